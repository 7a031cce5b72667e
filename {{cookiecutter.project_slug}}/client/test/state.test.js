import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { readableState } from "../src/index.js";
import { refreshDueAt, usableUntil } from "../src/lib/session.js";
import { START, fakeClock, fakeServer, makeClient, signedIn } from "./fakes.js";

describe("getState()", () => {
  test("returns the same frozen object until something changes (useSyncExternalStore's rule)", async () => {
    const { clock, client } = await signedIn({ lifetimeS: 300 });
    const first = client.getState();
    assert.equal(client.getState(), first);
    assert.ok(Object.isFrozen(first));
    await client.apiFetch("/api/me/");
    await clock.advance(1_000);
    assert.equal(client.getState(), first, "a request or time passing changes nothing");
    await clock.advance(240_000);
    assert.notEqual(client.getState(), first);
    assert.equal(client.getState().refreshCount, 1);
  });

  test("holds the access token's claims as the user, frozen, and null once signed out", async () => {
    const { client } = await signedIn();
    const { user } = client.getState();
    assert.equal(user.username, "demo");
    assert.equal(user.fam, "family-1");
    assert.ok(Object.isFrozen(user));
    assert.throws(() => {
      "use strict";
      user.username = "mallory";
    }, TypeError);
    await client.logout();
    assert.equal(client.getState().user, null);
  });
});

describe("subscribe()", () => {
  test("tells listeners what happened: signed in, refreshed, signed out and why", async () => {
    const { clock, client, events, states } = await signedIn({ lifetimeS: 300 });
    await clock.advance(240_000);
    await client.logout();
    assert.deepEqual(events, [{ type: "signed_in" }, { type: "refreshed" }, { type: "signed_out", reason: "logout" }]);
    assert.equal(states.at(-1), client.getState(), "listeners get the state getState() returns");
  });

  test("returns the function that unsubscribes, once per subscription", async () => {
    const server = fakeServer();
    const client = makeClient({ server, clock: fakeClock() });
    const heard = [];
    const listener = (state) => heard.push(state.status);
    const first = client.subscribe(listener);
    const second = client.subscribe(listener);
    await client.login({ username: "demo", password: "secret" });
    assert.deepEqual(heard, ["signed_in", "signed_in"]);
    first();
    first(); // twice is harmless
    await client.logout();
    assert.deepEqual(heard, ["signed_in", "signed_in", "signed_out"]);
    second();
  });

  test("readableState() follows Svelte's store contract: the current value first, then each change", async () => {
    const server = fakeServer();
    const client = makeClient({ server, clock: fakeClock() });
    const seen = [];
    const unsubscribe = readableState(client).subscribe((state) => seen.push(state.status));
    assert.deepEqual(seen, ["signed_out"]);
    await client.login({ username: "demo", password: "secret" });
    unsubscribe();
    await client.logout();
    assert.deepEqual(seen, ["signed_out", "signed_in"]);
  });
});

describe("timing", () => {
  const session = { access: "x", receivedAt: START, lifetimeMs: 300_000, refreshCount: 0, sid: "s" };

  test("a tab's jitter only ever delays its refresh, by at most a fifth of the margin", () => {
    assert.equal(refreshDueAt(session, 60_000, 0), START + 240_000);
    assert.equal(refreshDueAt(session, 60_000, 1), START + 252_000);
  });

  test("requests stop using a token half the margin before it expires, after every tab's refresh is due", () => {
    assert.equal(usableUntil(session, 60_000), START + 270_000);
    assert.ok(usableUntil(session, 60_000) > refreshDueAt(session, 60_000, 1));
    assert.equal(usableUntil({ ...session, lifetimeMs: null }, 60_000), null);
  });
});
