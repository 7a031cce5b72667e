import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { API, fakeBroadcastHub, fakeClock, fakeLocks, fakeServer, gate, json, makeClient, memoryStorage, settle } from "./fakes.js";

const CHANNEL = `auth@${API}`;

/** Tabs of one browser: one clock, server, channel hub, lock manager and storage. */
function browser({ mode = "httponly_cookie", locks = fakeLocks() } = {}) {
  const clock = fakeClock();
  const server = fakeServer({ mode });
  const hub = fakeBroadcastHub();
  const storage = memoryStorage();
  const openTab = (options = {}) => {
    const client = makeClient({ server, clock, locks, BroadcastChannel: hub.BroadcastChannel, storage, ...options });
    const states = [];
    client.subscribe((state) => states.push(state));
    return Object.assign(client, { states });
  };
  return { clock, server, hub, locks, storage, openTab };
}

async function twoSignedInTabs(options) {
  const world = browser(options);
  const a = world.openTab();
  const b = world.openTab();
  await a.login({ username: "demo", password: "secret" });
  await settle();
  return { ...world, a, b };
}

describe("tabs of one browser", () => {
  test("a login in one tab signs the others in", async () => {
    const { a, b } = await twoSignedInTabs();
    assert.equal(b.getState().status, "signed_in");
    assert.deepEqual(b.getState(), a.getState());
  });

  test("concurrent expiry costs one refresh in total", async () => {
    const { clock, server, a, b } = await twoSignedInTabs();
    const held = gate();
    server.refreshGate = held.promise;
    await clock.advance(240_000); // both tabs' timers fire: one refreshes, the other queues for the lock
    held.open();
    await settle();
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
    assert.equal(a.getState().refreshCount, 1);
    assert.deepEqual(b.getState(), a.getState());
    const [meA, meB] = await Promise.all([a.apiFetch("/api/me/"), b.apiFetch("/api/me/")]);
    assert.equal(meA.status, 200);
    assert.equal(meB.status, 200);
  });

  test("tabs that wake together and call the API at once refresh once", async () => {
    const { clock, server, a, b } = await twoSignedInTabs();
    clock.jump(30 * 60 * 1000);
    const responses = await Promise.all([a.apiFetch("/api/me/"), b.apiFetch("/api/me/"), a.apiFetch("/api/me/")]);
    assert.deepEqual(responses.map((response) => response.status), [200, 200, 200]);
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
  });

  test("a refresh in one tab moves the other's schedule", async () => {
    const { clock, server, a, b } = await twoSignedInTabs();
    await clock.advance(240_000);
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
    assert.equal(b.getState().expiresAt, clock.now() + 300_000);
    await clock.advance(240_000);
    assert.equal(server.callsTo("/api/token/refresh/").length, 2);
    assert.equal(b.getState().refreshCount, 2);
  });

  test("logout in one tab signs out the other", async () => {
    const { server, a, b } = await twoSignedInTabs();
    assert.equal(await a.logout(), true);
    await settle();
    assert.deepEqual(b.getState(), { status: "signed_out", expiresAt: null, refreshCount: 0, user: null, reason: "logout" });
    assert.equal(server.callsTo("/api/auth/logout/").length, 1);
  });

  test("a refused refresh in one tab signs out the other", async () => {
    const { clock, server, b } = await twoSignedInTabs();
    server.override.set("/api/token/refresh/", () => json(401, { detail: "Reused", code: "token_reused" }));
    await clock.advance(240_000);
    assert.equal(b.getState().status, "signed_out");
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
  });

  test("a sign-out from another tab voids this tab's refresh still in flight", async () => {
    const { clock, server, hub, openTab } = browser();
    const b = openTab();
    await b.login({ username: "demo", password: "secret" });
    const other = listenIn(hub);
    const held = gate();
    server.override.set("/api/token/refresh/", async () => {
      await held.promise;
      return json(200, server.issue());
    });
    clock.jump(280_000); // past the point where a request waits for the refresh
    const request = b.apiFetch("/api/me/");
    await settle();

    other.post({ type: "signed_out", sid: "family-1", reason: "logout" }); // the user logged out in another tab
    await settle();
    assert.equal(b.getState().reason, "logout");
    held.open();
    await assert.rejects(request, (error) => error.code === "logout" && !error.transient, "the session it waited for ended");
    assert.equal(server.callsTo("/api/me/").length, 0);
    assert.equal(b.getState().status, "signed_out", "the late answer did not sign this tab back in");
    assert.ok(!other.received.some((message) => message.type === "tokens"), "nor any other tab");
  });
});

describe("a new tab", () => {
  test("takes the tokens of a signed-in tab instead of refreshing", async () => {
    const { server, openTab, a } = await twoSignedInTabs();
    const c = openTab();
    const state = await c.restore();
    assert.deepEqual(state, a.getState());
    assert.equal(server.callsTo("/api/token/refresh/").length, 0);
    assert.equal((await c.apiFetch("/api/me/")).status, 200);
  });

  test("refreshes under the lock when no tab answers in time", async () => {
    const { clock, server, storage, openTab, locks } = browser();
    server.issue(); // a session exists (the cookie is there), but no tab is open
    storage.setItem(`${CHANNEL}.session`, "1");
    const tab = openTab();
    const restoring = tab.restore();
    await settle();
    assert.equal(server.callsTo("/api/token/refresh/").length, 0, "still waiting for peers");
    await clock.advance(150);
    assert.equal((await restoring).status, "signed_in");
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
    assert.equal(locks.grants, 1);
  });

  test("requests made during restore() wait for it", async () => {
    const { clock, server, storage, openTab } = browser();
    server.issue();
    storage.setItem(`${CHANNEL}.session`, "1");
    const tab = openTab();
    tab.restore();
    const request = tab.apiFetch("/api/me/");
    await clock.advance(150);
    assert.equal((await request).status, 200);
    assert.equal(server.callsTo("/api/me/").length, 1);
  });
});

describe("the channel protocol", () => {
  test("a tab that died mid-refresh delays the next refresh only briefly", async () => {
    const { clock, server, hub, openTab } = browser();
    const tab = openTab();
    await tab.login({ username: "demo", password: "secret" });
    listenIn(hub).post({ type: "refreshing", sid: "family-1" }); // ...and that tab was closed
    await settle();
    clock.jump(280_000); // past the point where a request waits for the refresh
    const request = tab.apiFetch("/api/me/");
    await settle();
    assert.equal(server.callsTo("/api/token/refresh/").length, 0, "waiting for the announced outcome");
    await clock.advance(150);
    assert.equal((await request).status, 200);
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
  });

  test("without Web Locks, the announcement still spares a second refresh", async () => {
    const { clock, server, a, b } = await twoSignedInTabs({ locks: null });
    const held = gate();
    server.refreshGate = held.promise;
    await clock.advance(241_000); // the lease takes a few random milliseconds
    held.open();
    await settle();
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
    assert.deepEqual(b.getState(), a.getState());
  });

  test("cookie mode: tokens cross the channel, the refresh token never does", async () => {
    const { clock, hub } = await twoSignedInTabs({ mode: "httponly_cookie" });
    await clock.advance(240_000);
    const tokens = hub.log.filter((message) => message.type === "tokens");
    assert.equal(tokens.length, 2);
    assert.ok(tokens.every((message) => !("refresh" in message) && typeof message.access === "string"));
  });

  test("local_storage mode: the rotated refresh token is broadcast and stored by the other tab", async () => {
    const world = browser({ mode: "local_storage" });
    // Two storages, as two tabs whose writes have not reached each other yet.
    const storageA = memoryStorage();
    const storageB = memoryStorage();
    const a = world.openTab({ storage: storageA });
    const b = world.openTab({ storage: storageB });
    await a.login({ username: "demo", password: "secret" });
    await world.clock.advance(240_000);
    assert.equal(world.server.callsTo("/api/token/refresh/").length, 1);
    assert.equal(storageB.data.get(`${CHANNEL}.refresh`), world.server.refresh);
    assert.equal(b.getState().status, "signed_in");
  });

  test("stale tokens from another tab are ignored", async () => {
    const { clock, hub, a } = await twoSignedInTabs();
    const before = a.getState();
    listenIn(hub).post({ type: "tokens", sid: "family-1", access: "old", receivedAt: clock.now() - 1, lifetimeMs: 300_000, refreshCount: 0 });
    await settle();
    assert.equal(a.getState(), before);
  });

  test("every message names its session; a message that names none is dropped", async () => {
    const { clock, hub, a, b } = await twoSignedInTabs();
    await clock.advance(240_000);
    const sent = hub.log.filter((message) => message.type !== "token_request");
    assert.ok(sent.length >= 3);
    assert.ok(sent.every((message) => message.sid === "family-1"), JSON.stringify(sent.map((m) => m.type)));
    listenIn(hub).post({ type: "signed_out", reason: "logout" });
    await settle();
    assert.equal(b.getState().status, "signed_in");
    assert.equal(a.getState().status, "signed_in");
  });

  test("tokens of a session that ended never sign a tab back in", async () => {
    const { clock, hub, a, b } = await twoSignedInTabs();
    const late = { ...hub.log.find((message) => message.type === "tokens"), receivedAt: clock.now() + 1 };
    await a.logout();
    await settle();
    listenIn(hub).post(late); // a refresh answer of the old session, arriving late
    await settle();
    assert.equal(a.getState().status, "signed_out");
    assert.equal(b.getState().status, "signed_out");
  });

  test("a sign-in in another tab replaces the session; the old session's late news is ignored", async () => {
    const { clock, hub, server, a, b } = await twoSignedInTabs();
    const old = { ...hub.log.find((message) => message.type === "tokens"), receivedAt: clock.now() + 5 };
    await b.login({ username: "demo", password: "secret" });
    await settle();
    assert.equal(a.getState().user.fam, "family-2");
    listenIn(hub).post(old);
    await settle();
    assert.equal(a.getState().user.fam, "family-2");
    assert.equal((await a.apiFetch("/api/me/")).status, 200);
    assert.equal(server.callsTo("/api/token/refresh/").length, 0);
  });

  test("clients for two APIs on one page share no channel, lock or storage name", async () => {
    const { clock, server, hub, storage, openTab } = browser();
    const first = openTab();
    const other = openTab({ baseUrl: "http://other-api.test" });
    await first.login({ username: "demo", password: "secret" });
    await settle();
    assert.equal(other.getState().status, "signed_out");
    assert.deepEqual([...new Set(hub.log.map(() => CHANNEL))], [CHANNEL]);
    assert.deepEqual([...storage.data.keys()], [`${CHANNEL}.session`]);
    assert.equal((await other.restore()).status, "signed_out");
    assert.equal(server.calls.length, 1, "the other client asked nothing: it has no session");
    await clock.advance(1);
  });
});

describe("without Web Locks (a page on a non-secure origin)", () => {
  test("three tabs over four expiries: one refresh per expiry, nobody signed out", async () => {
    const world = browser({ mode: "local_storage", locks: null });
    const tabs = [0.9, 0.1, 0.5].map((share) => world.openTab({ random: () => share }));
    await tabs[0].login({ username: "demo", password: "secret" });
    await settle();
    for (let expiry = 1; expiry <= 4; expiry += 1) {
      await world.clock.advance(250_000);
      await Promise.all(tabs.map((tab) => tab.apiFetch("/api/me/")));
      assert.equal(world.server.callsTo("/api/token/refresh/").length, expiry);
    }
    for (const tab of tabs) {
      assert.equal(tab.getState().status, "signed_in");
      assert.equal(tab.getState().refreshCount, 4);
    }
  });

  test("tabs whose timers fire at the same moment still refresh once: the lease decides", async () => {
    const world = browser({ locks: null });
    const same = () => 0; // the worst case: no jitter tells them apart
    const tabs = [world.openTab({ random: same }), world.openTab({ random: same }), world.openTab({ random: same })];
    await tabs[0].login({ username: "demo", password: "secret" });
    await settle();
    const held = gate();
    world.server.refreshGate = held.promise;
    await world.clock.advance(240_000);
    held.open();
    await world.clock.advance(1_000);
    assert.equal(world.server.callsTo("/api/token/refresh/").length, 1);
    assert.ok(tabs.every((tab) => tab.getState().refreshCount === 1));
  });

  test("a tab that died holding the lease holds up the others only until it lapses", async () => {
    const world = browser({ locks: null });
    const tab = world.openTab();
    await tab.login({ username: "demo", password: "secret" });
    world.storage.setItem(`${CHANNEL}.lease`, JSON.stringify({ owner: "a closed tab", until: world.clock.now() + 250_000 }));
    await world.clock.advance(249_000);
    assert.equal(world.server.callsTo("/api/token/refresh/").length, 0);
    await world.clock.advance(2_000);
    assert.equal(world.server.callsTo("/api/token/refresh/").length, 1);
  });
});

/** A bare channel endpoint in the hub: posts as another tab and records what it hears. */
function listenIn(hub) {
  const channel = new hub.BroadcastChannel(CHANNEL);
  const received = [];
  channel.addEventListener("message", (event) => received.push(event.data));
  return { received, post: (message) => channel.postMessage(message) };
}

test("a listener that throws does not keep the sign-out from the other tabs", async (t) => {
  const reported = [];
  globalThis.reportError = (error) => reported.push(error); // as browsers have it
  t.after(() => delete globalThis.reportError);
  const { a, b } = await twoSignedInTabs();
  a.subscribe(() => {
    throw new Error("listener bug");
  });
  await a.logout();
  await settle();
  assert.equal(b.getState().status, "signed_out");
  assert.deepEqual(reported.map((error) => error.message), ["listener bug"]);
});
