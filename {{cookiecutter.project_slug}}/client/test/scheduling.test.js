import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { START, fakeClock, fakeServer, settle, signedIn } from "./fakes.js";

const YEAR = 365 * 24 * 3600 * 1000;

describe("proactive refresh", () => {
  test("is scheduled from expires_in, the margin before expiry", async () => {
    const { clock, server, client } = await signedIn({ lifetimeS: 300 });
    assert.equal(client.getState().expiresAt, START + 300_000);

    await clock.advance(240_000 - 1);
    assert.equal(server.callsTo("/api/token/refresh/").length, 0);
    await clock.advance(1);
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
    assert.equal(client.getState().status, "signed_in");
    assert.equal(client.getState().expiresAt, START + 240_000 + 300_000);
    assert.equal(client.getState().refreshCount, 1);

    await clock.advance(240_000);
    assert.equal(server.callsTo("/api/token/refresh/").length, 2);
    assert.equal(client.getState().refreshCount, 2);
  });

  test("each tab refreshes at its own moment, up to a fifth of the margin late", async () => {
    const late = await signedIn({ lifetimeS: 300 }, { random: () => 0.5 });
    await late.clock.advance(240_000 + 6_000 - 1);
    assert.equal(late.server.callsTo("/api/token/refresh/").length, 0);
    await late.clock.advance(1);
    assert.equal(late.server.callsTo("/api/token/refresh/").length, 1);
  });

  test("uses a quarter of a short lifetime as the margin", async () => {
    const { clock, server } = await signedIn({ lifetimeS: 20 });
    await clock.advance(15_000 - 1);
    assert.equal(server.callsTo("/api/token/refresh/").length, 0);
    await clock.advance(1);
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
  });

  for (const sendExpiresIn of [true, false]) {
    for (const skew of [-YEAR, 0, YEAR]) {
      const source = sendExpiresIn ? "expires_in" : "exp - iat";
      test(`ignores the client clock's skew (${skew / YEAR} years, lifetime from ${source})`, async () => {
        // The server stamps exp/iat with its own clock, a year apart from the client's.
        const server = fakeServer({ lifetimeS: 300, sendExpiresIn, serverNow: () => START + skew });
        const { clock, client } = await signedIn({}, { server, clock: fakeClock() });
        assert.equal(client.getState().expiresAt, START + 300_000);
        await clock.advance(240_000 - 1);
        assert.equal(server.callsTo("/api/token/refresh/").length, 0);
        await clock.advance(1);
        assert.equal(server.callsTo("/api/token/refresh/").length, 1);
        const me = await client.apiFetch("/api/me/");
        assert.equal(me.status, 200);
        assert.equal(server.callsTo("/api/token/refresh/").length, 1);
      });
    }
  }

  test("a token without expires_in or exp/iat is refreshed only on a 401", async () => {
    const server = fakeServer();
    server.override.set("/api/token/", () => {
      server.issue(); // the server's session exists; only the answer lacks timing
      return Response.json({ access: "opaque" });
    });
    const { clock, client } = await signedIn({}, { server, clock: fakeClock() });
    assert.deepEqual(client.getState(), { status: "signed_in", expiresAt: null, refreshCount: 0, user: null });
    assert.equal(clock.pending(), 0);
    const me = await client.apiFetch("/api/me/"); // "opaque" is refused, refresh, replay
    assert.equal(me.status, 200);
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
  });
});

describe("a tab that slept", () => {
  test("refreshes before its next request goes out, though no timer fired", async () => {
    const { clock, server, client } = await signedIn({ lifetimeS: 300 });
    clock.jump(2 * 3600 * 1000); // frozen tab: the wall clock moved, timers did not fire
    const me = await client.apiFetch("/api/me/");
    assert.equal(me.status, 200);
    assert.deepEqual(
      server.calls.map((call) => call.path),
      ["/api/token/", "/api/token/refresh/", "/api/me/"],
    );
    assert.equal(server.callsTo("/api/me/")[0].headers.get("Authorization"), `Bearer ${server.access}`);
  });

  test("refreshes when it becomes visible again", async () => {
    const eventTarget = new EventTarget();
    let visible = false;
    const { clock, server } = await signedIn({ lifetimeS: 300 }, { eventTarget, isVisible: () => visible });
    clock.jump(10 * 60 * 1000);

    eventTarget.dispatchEvent(new Event("visibilitychange"));
    await settle();
    assert.equal(server.callsTo("/api/token/refresh/").length, 0, "still hidden: nothing to do");

    visible = true;
    eventTarget.dispatchEvent(new Event("visibilitychange"));
    await settle();
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
  });

  test("refreshes when the network comes back", async () => {
    const eventTarget = new EventTarget();
    const { clock, server, client } = await signedIn({ lifetimeS: 300 }, { eventTarget });
    clock.jump(250_000);
    eventTarget.dispatchEvent(new Event("online"));
    await settle();
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
    assert.equal(client.getState().expiresAt, START + 250_000 + 300_000);
  });

  test("a visible tab whose token is not due only re-arms the timer", async () => {
    const eventTarget = new EventTarget();
    const { clock, server } = await signedIn({ lifetimeS: 300 }, { eventTarget, isVisible: () => true });
    eventTarget.dispatchEvent(new Event("visibilitychange"));
    await settle();
    assert.equal(server.callsTo("/api/token/refresh/").length, 0);
    assert.equal(clock.pending(), 1);
  });

  test("dispose() stops the timer and the listeners", async () => {
    const eventTarget = new EventTarget();
    const { clock, server, client } = await signedIn({ lifetimeS: 300 }, { eventTarget });
    client.dispose();
    assert.equal(clock.pending(), 0);
    clock.jump(250_000);
    eventTarget.dispatchEvent(new Event("online"));
    await settle();
    assert.equal(server.callsTo("/api/token/refresh/").length, 0);
  });
});
