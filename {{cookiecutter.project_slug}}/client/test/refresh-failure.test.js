import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { AuthError } from "../src/lib/auth-client.js";
import { gate, json, settle, signedIn } from "./fakes.js";

const isCode = (code) => (error) => error instanceof AuthError && error.code === code;

describe("a refused refresh", () => {
  test("token_reused signs out once, rejects every queued request, and loops nowhere", async () => {
    const { server, client, states } = await signedIn({ mode: "local_storage" });
    server.issue(); // the client's access token is refused from now on
    const held = gate();
    server.override.set("/api/token/refresh/", async () => {
      await held.promise;
      return json(401, { detail: "Refresh token was already used", code: "token_reused" });
    });

    const queued = Array.from({ length: 5 }, () => client.apiFetch("/api/me/"));
    await settle();
    held.open();
    for (const request of queued) await assert.rejects(request, isCode("token_reused"));

    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
    assert.equal(server.callsTo("/api/me/").length, 5, "nothing was replayed");
    assert.deepEqual(client.getState(), { status: "signed_out", expiresAt: null, refreshCount: 0, user: null, reason: "token_reused" });
    assert.equal(states.filter((state) => state.status === "signed_out").length, 1, "one sign-out signal");

    const later = await client.apiFetch("/api/me/");
    assert.equal(later.status, 401);
    assert.equal(server.callsTo("/api/token/refresh/").length, 1, "no refresh once signed out");
  });

  for (const [status, code] of [
    [401, "session_revoked"],
    [401, "session_expired"],
    [400, "refresh_token_missing"],
    [403, "csrf_failed"],
  ]) {
    test(`any 4xx (${status} ${code}) ends the session`, async () => {
      const { clock, server, client } = await signedIn();
      server.override.set("/api/token/refresh/", () => json(status, { detail: "No", code }));
      await clock.advance(240_000);
      assert.equal(client.getState().status, "signed_out");
      assert.equal(client.getState().reason, code);
    });
  }
});

describe("a transient refresh failure", () => {
  test("a network error rejects the waiting requests with that error and keeps the session", async () => {
    const { server, client } = await signedIn();
    server.issue();
    const failure = new TypeError("Failed to fetch");
    server.override.set("/api/token/refresh/", () => Promise.reject(failure));

    const waiting = [client.apiFetch("/api/me/"), client.apiFetch("/api/me/")];
    for (const request of waiting) await assert.rejects(request, (error) => error === failure);
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
    assert.equal(client.getState().status, "signed_in");

    server.override.delete("/api/token/refresh/"); // back online: the next call retries
    const response = await client.apiFetch("/api/me/");
    assert.equal(response.status, 200);
    assert.equal(server.callsTo("/api/token/refresh/").length, 2);
    assert.equal(client.getState().refreshCount, 1);
  });

  test("a 5xx rejects with a transient AuthError and keeps the session", async () => {
    const { server, client } = await signedIn();
    server.issue();
    server.override.set("/api/token/refresh/", () => new Response("<h1>Bad gateway</h1>", { status: 502 }));
    await assert.rejects(client.apiFetch("/api/me/"), (error) => error instanceof AuthError && error.transient && error.status === 502);
    assert.equal(client.getState().status, "signed_in");
  });

  test("a 429 from the throttle is transient too: the session stays", async () => {
    const { server, client } = await signedIn();
    server.issue();
    server.override.set("/api/token/refresh/", () =>
      Response.json({ detail: "Request was throttled.", code: "throttled" }, { status: 429, headers: { "Retry-After": "30" } }),
    );
    await assert.rejects(client.apiFetch("/api/me/"), (error) => isCode("throttled")(error) && error.transient && error.retryAfter === 30);
    assert.equal(client.getState().status, "signed_in");
  });

  test("a failed proactive refresh still lets requests use the unexpired token, without waiting", async () => {
    const { clock, server, client } = await signedIn({ lifetimeS: 300 });
    server.override.set("/api/token/refresh/", () => Promise.reject(new TypeError("offline")));
    await clock.advance(240_000); // due, not yet expired: the timer's refresh fails
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
    const response = await client.apiFetch("/api/me/");
    assert.equal(response.status, 200);
    assert.equal(client.getState().status, "signed_in");
    assert.equal(server.callsTo("/api/token/refresh/").length, 1, "the request waited for no refresh");
  });

  test("a failed proactive refresh is retried with a growing back-off, which a success resets", async () => {
    const { clock, server, client, events } = await signedIn({ lifetimeS: 300 });
    server.override.set("/api/token/refresh/", () => Promise.reject(new TypeError("offline")));
    await clock.advance(240_000);
    const attemptsAt = () => server.callsTo("/api/token/refresh/").length;
    assert.equal(attemptsAt(), 1);
    // random() is 0: back-off is half of 1 s, 2 s, 4 s ...
    await clock.advance(499);
    assert.equal(attemptsAt(), 1);
    await clock.advance(1);
    assert.equal(attemptsAt(), 2);
    await clock.advance(1_000);
    assert.equal(attemptsAt(), 3);
    const failures = events.filter((event) => event.type === "refresh_failed");
    assert.deepEqual(failures.map((event) => event.retryInMs), [500, 1_000, 2_000]);
    assert.ok(failures.every((event) => event.reason === "network_error"));

    server.override.delete("/api/token/refresh/");
    await clock.advance(2_000);
    assert.equal(client.getState().refreshCount, 1);
    assert.equal(events.at(-1).type, "refreshed");
    await clock.advance(240_000); // the next one is on the normal schedule again
    assert.equal(client.getState().refreshCount, 2);
  });

  test("a 429's Retry-After sets the retry, and a request does not hurry it while the token lasts", async () => {
    const { clock, server, client, events } = await signedIn({ lifetimeS: 300 });
    server.override.set("/api/token/refresh/", () =>
      Response.json({ detail: "Request was throttled.", code: "throttled" }, { status: 429, headers: { "Retry-After": "60" } }),
    );
    await clock.advance(240_000);
    assert.deepEqual(events.at(-1), { type: "refresh_failed", reason: "throttled", retryInMs: 60_000 });
    await clock.advance(35_000); // past the point where requests would otherwise wait for a refresh
    assert.equal((await client.apiFetch("/api/me/")).status, 200);
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
    server.override.delete("/api/token/refresh/");
    await clock.advance(25_000);
    assert.equal(server.callsTo("/api/token/refresh/").length, 2);
    assert.equal(client.getState().refreshCount, 1);
  });

  test("the network coming back cuts a back-off short, but never a Retry-After", async () => {
    const eventTarget = new EventTarget();
    const { clock, server } = await signedIn({ lifetimeS: 300 }, { eventTarget });
    server.override.set("/api/token/refresh/", () => Promise.reject(new TypeError("offline")));
    await clock.advance(240_000);
    server.override.set("/api/token/refresh/", () =>
      Response.json({ detail: "Request was throttled.", code: "throttled" }, { status: 429, headers: { "Retry-After": "60" } }),
    );
    eventTarget.dispatchEvent(new Event("online"));
    await clock.advance(0);
    assert.equal(server.callsTo("/api/token/refresh/").length, 2, "the back-off was not waited out");
    eventTarget.dispatchEvent(new Event("online"));
    await clock.advance(59_000);
    assert.equal(server.callsTo("/api/token/refresh/").length, 2, "the Retry-After was");
  });

  test("past expiry, a failed refresh leaves signed_in only while a retry is scheduled", async () => {
    const { clock, server, client } = await signedIn({ lifetimeS: 300 });
    server.override.set("/api/token/refresh/", () => json(503, { detail: "Down", code: "service_unavailable" }));
    await clock.advance(400_000);
    assert.equal(client.getState().status, "signed_in");
    assert.ok(client.getState().expiresAt < clock.now());
    assert.equal(clock.pending(), 1, "a retry is scheduled");
    const attempts = server.callsTo("/api/token/refresh/").length;
    await clock.advance(30_000);
    assert.ok(server.callsTo("/api/token/refresh/").length > attempts, "and it runs");
  });

  test("after expiry a failed refresh stops the request instead of sending a dead token", async () => {
    const { clock, server, client } = await signedIn({ lifetimeS: 300 });
    const failure = new TypeError("offline");
    server.override.set("/api/token/refresh/", () => Promise.reject(failure));
    clock.jump(400_000);
    await assert.rejects(client.apiFetch("/api/me/"), (error) => error === failure);
    assert.equal(server.callsTo("/api/me/").length, 0);
    assert.equal(client.getState().status, "signed_in", "a later call can still retry");
  });
});

describe("login", () => {
  test("bad credentials reject with the API's code and leave the state alone", async () => {
    const { server, client } = await signedIn();
    const before = client.getState();
    await assert.rejects(client.login({ username: "demo", password: "wrong" }), isCode("no_active_account"));
    assert.deepEqual(client.getState(), before);
    assert.equal(server.callsTo("/api/token/").length, 2);
  });

  test("logout during a refresh waits for it, then ends the renewed session", async () => {
    const { server, client } = await signedIn();
    server.issue();
    const held = gate();
    server.refreshGate = held.promise;
    const request = client.apiFetch("/api/me/");
    await settle();
    const loggingOut = client.logout();
    held.open();
    assert.equal((await request).status, 200);
    assert.equal(await loggingOut, true);
    const [logoutCall] = server.callsTo("/api/auth/logout/");
    assert.equal(logoutCall.headers.get("Authorization"), server.callsTo("/api/me/")[1].headers.get("Authorization"));
    assert.equal(client.getState().status, "signed_out");
  });
});
