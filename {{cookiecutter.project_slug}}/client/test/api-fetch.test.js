import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { AuthError } from "../src/index.js";
import { gate, json, settle, signedIn } from "./fakes.js";

const authorization = (call) => call.headers.get("Authorization");

describe("which 401s refresh", () => {
  for (const [what, answer] of [
    ["an application's own code", () => json(401, { detail: "Sign the terms first", code: "terms_not_accepted" })],
    ["not_authenticated", () => json(401, { detail: "No credentials", code: "not_authenticated" })],
    ["a body that is not JSON", () => new Response("Unauthorized", { status: 401 })],
  ]) {
    test(`a 401 with ${what} is handed back: no refresh, nothing sent twice`, async () => {
      const { server, client } = await signedIn();
      server.override.set("/api/orders/", answer);
      const response = await client.apiFetch("/api/orders/", { method: "POST", json: { item: 1 } });
      assert.equal(response.status, 401);
      assert.ok(await response.text(), "the body is still there to read");
      assert.equal(server.callsTo("/api/orders/").length, 1);
      assert.equal(server.callsTo("/api/token/refresh/").length, 0);
      assert.equal(client.getState().status, "signed_in");
    });
  }

  for (const code of ["session_revoked", "session_expired", "user_inactive", "user_not_found"]) {
    test(`a 401 ${code} on an API call ends the session: signed out, and the call rejects with the code`, async () => {
      const { server, client, events } = await signedIn();
      server.override.set("/api/me/", () => json(401, { detail: "Over", code }));
      await assert.rejects(client.apiFetch("/api/me/"), (error) => error instanceof AuthError && error.code === code && !error.transient);
      assert.deepEqual(events.at(-1), { type: "signed_out", reason: code });
      assert.equal(server.callsTo("/api/token/refresh/").length, 0);
    });
  }

  test("a replay refused because the session ended rejects too", async () => {
    const { server, client } = await signedIn();
    let calls = 0;
    server.override.set("/api/me/", () =>
      (calls += 1) === 1 ? json(401, { detail: "Expired", code: "token_not_valid" }) : json(401, { detail: "Revoked", code: "session_revoked" }),
    );
    await assert.rejects(client.apiFetch("/api/me/"), (error) => error.code === "session_revoked");
    assert.equal(client.getState().reason, "session_revoked");
  });
});

describe("apiFetch", () => {
  for (const status of [200, 204, 400, 403, 404, 409, 429, 500, 503]) {
    test(`resolves with the Response for a ${status}`, async () => {
      const { server, client } = await signedIn();
      server.override.set("/api/thing/", () => new Response(status === 204 ? null : "{}", { status }));
      assert.equal((await client.apiFetch("/api/thing/")).status, status);
    });
  }

  test("`json` sends a JSON body with its Content-Type; headers given win", async () => {
    const { server, client } = await signedIn();
    await client.apiFetch("/api/echo/", { method: "POST", json: { a: [1, "b"] } });
    await client.apiFetch("/api/echo/", { method: "POST", json: "text", headers: { "Content-Type": "application/vnd.x+json" } });
    const [first, second] = server.callsTo("/api/echo/");
    assert.equal(first.body, '{"a":[1,"b"]}');
    assert.equal(first.headers.get("Content-Type"), "application/json");
    assert.equal(second.body, '"text"');
    assert.equal(second.headers.get("Content-Type"), "application/vnd.x+json");
    assert.ok(!("json" in first.init), "fetch never sees the option");
  });

  test("the access token goes only to the API's origin", async () => {
    const { server, client } = await signedIn();
    server.issue(); // the token is refused now: a third party's 401 must not start a refresh either
    const elsewhere = json(401, { detail: "x", code: "token_not_valid" });
    server.override.set("/elsewhere/", () => elsewhere.clone());
    const response = await client.apiFetch("https://tracker.example/elsewhere/");
    assert.equal(response.status, 401);
    assert.equal(authorization(server.callsTo("/elsewhere/")[0]), null);
    assert.equal(server.callsTo("/api/token/refresh/").length, 0);
    await client.apiFetch(new Request("https://tracker.example/elsewhere/"));
    assert.equal(authorization(server.callsTo("/elsewhere/")[1]), null);
  });

  test("bearerOrigins lets the token go to the origins listed, and only those", async () => {
    const { server, client } = await signedIn({}, { bearerOrigins: ["https://files.example.test"] });
    server.override.set("/upload/", () => json(200, {}));
    await client.apiFetch("https://files.example.test/upload/");
    await client.apiFetch("https://files.example.test.evil/upload/");
    const [listed, unlisted] = server.callsTo("/upload/");
    assert.equal(authorization(listed), `Bearer ${server.access}`);
    assert.equal(authorization(unlisted), null);
  });

  test("relative URLs resolve against baseUrl", async () => {
    const { server, client } = await signedIn();
    await client.apiFetch("/api/me/");
    assert.equal(server.callsTo("/api/me/")[0].url, "http://testserver/api/me/");
    assert.equal(server.callsTo("/api/token/")[0].url, "http://testserver/api/token/", "and so do the endpoints");
  });

  test("a request whose token is still good is not held behind a refresh in flight", async () => {
    const { clock, server, client } = await signedIn({ lifetimeS: 300 });
    const held = gate();
    server.refreshGate = held.promise;
    await clock.advance(240_000); // the timer's refresh is now waiting on the server
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
    const response = await client.apiFetch("/api/me/");
    assert.equal(response.status, 200);
    held.open();
    await settle();
    assert.equal(client.getState().refreshCount, 1);
  });

  test("a caller's signal aborts a request that waits for a refresh; the refresh goes on", async () => {
    const { clock, server, client } = await signedIn({ lifetimeS: 300 });
    const held = gate();
    server.refreshGate = held.promise;
    clock.jump(280_000); // the token is too close to expiry to use: requests wait
    const controller = new AbortController();
    const waiting = client.apiFetch("/api/me/", { signal: controller.signal });
    const other = client.apiFetch("/api/me/");
    await settle();
    controller.abort(new DOMException("Left the page", "AbortError"));
    await assert.rejects(waiting, (error) => error.name === "AbortError");
    held.open();
    assert.equal((await other).status, 200);
    assert.equal(server.callsTo("/api/me/").length, 1, "the aborted request never went out");
  });

  test("getAccessToken() gives the token, refreshed first when due, and null when signed out", async () => {
    const { clock, server, client } = await signedIn({ lifetimeS: 300 });
    assert.equal(await client.getAccessToken(), server.access);
    clock.jump(245_000); // due, though the timer has not fired
    const token = await client.getAccessToken();
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
    assert.equal(token, server.access);
    await client.logout();
    assert.equal(await client.getAccessToken(), null);
  });
});
