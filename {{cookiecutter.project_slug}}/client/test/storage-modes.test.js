import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";

import { createAuthClient } from "../src/index.js";
import { API, fakeClock, fakeServer, json, makeClient, memoryStorage, signedIn } from "./fakes.js";

// Names derive from the API's base URL (the page's own origin would give "auth.refresh").
const KEY = `auth@${API}.refresh`;
const MARKER = `auth@${API}.session`;
const PENDING = `auth@${API}.logout`;

describe("httponly_cookie mode", () => {
  const saved = {};
  beforeEach(() => {
    for (const name of ["localStorage", "sessionStorage"]) {
      saved[name] = Object.getOwnPropertyDescriptor(globalThis, name);
      Object.defineProperty(globalThis, name, {
        configurable: true,
        get() {
          throw new Error(`${name} touched`);
        },
      });
    }
  });
  afterEach(() => {
    for (const [name, descriptor] of Object.entries(saved)) {
      if (descriptor) Object.defineProperty(globalThis, name, descriptor);
      else delete globalThis[name];
    }
  });

  test("keeps no token in web storage, only a note that a session exists, from login through logout", async () => {
    const clock = fakeClock();
    const server = fakeServer({ mode: "httponly_cookie" });
    const storage = memoryStorage();
    const client = makeClient({ server, clock, storage });
    await client.login({ username: "demo", password: "secret" });
    assert.deepEqual([...storage.data], [[MARKER, "1"]]);
    await clock.advance(240_000); // proactive refresh
    server.issue(); // the next call is refused: refresh and replay
    assert.equal((await client.apiFetch("/api/me/")).status, 200);
    const written = storage.log.filter(([op]) => op === "set").map(([, , value]) => value);
    assert.ok(written.every((value) => !value.includes(".")), "no JWT ever written");
    assert.equal(await client.logout(), true);
    assert.deepEqual([...storage.data], []);
  });

  test("without any web storage (the global throws) it still works, asking the server on restore", async () => {
    const server = fakeServer({ mode: "httponly_cookie" });
    server.issue();
    const fresh = createAuthClient({ refreshStorage: "httponly_cookie", baseUrl: API, fetch: server.fetch, getCookie: () => server.csrf, locks: null, BroadcastChannel: null });
    assert.equal((await fresh.restore()).status, "signed_in");
    fresh.dispose();
  });

  test("refresh sends {}, the CSRF header and credentials, and keeps the token in memory", async () => {
    const { clock, server, client } = await signedIn({ mode: "httponly_cookie" }, { credentials: "include" });
    await clock.advance(240_000);
    const [refresh] = server.callsTo("/api/token/refresh/");
    assert.equal(refresh.method, "POST");
    assert.deepEqual(refresh.json, {});
    assert.equal(refresh.headers.get("X-CSRFToken"), "csrf-value");
    assert.equal(refresh.headers.get("Content-Type"), "application/json");
    assert.equal(refresh.init.credentials, "include");
    assert.equal(client.getState().refreshCount, 1);
  });

  test("credentials default to same-origin", async () => {
    const { server } = await signedIn({ mode: "httponly_cookie" });
    assert.equal(server.callsTo("/api/token/")[0].init.credentials, "same-origin");
  });

  test("logout sends the Bearer token and the CSRF header", async () => {
    const { server, client } = await signedIn({ mode: "httponly_cookie" });
    const token = server.access;
    assert.equal(await client.logout(), true);
    const [call] = server.callsTo("/api/auth/logout/");
    assert.equal(call.headers.get("Authorization"), `Bearer ${token}`);
    assert.equal(call.headers.get("X-CSRFToken"), "csrf-value");
    assert.deepEqual(call.json, {});
    assert.deepEqual(client.getState(), { status: "signed_out", expiresAt: null, refreshCount: 0, user: null, reason: "logout" });
  });

  test("restore() on a first visit makes no request and tells no one", async () => {
    const server = fakeServer({ mode: "httponly_cookie" });
    const events = [];
    const client = makeClient({ server, clock: fakeClock() });
    client.subscribe((state, event) => events.push(event));
    const state = await client.restore();
    assert.deepEqual(state, { status: "signed_out", expiresAt: null, refreshCount: 0, user: null });
    assert.equal(server.calls.length, 0);
    assert.deepEqual(events, []);
  });

  test("restore() with the note but no cookie any more ends signed out with the server's reason", async () => {
    const server = fakeServer({ mode: "httponly_cookie" });
    const client = makeClient({ server, clock: fakeClock(), storage: memoryStorage({ [MARKER]: "1" }) });
    const state = await client.restore();
    assert.equal(state.status, "signed_out");
    assert.equal(state.reason, "refresh_token_missing");
  });
});

describe("local_storage mode", () => {
  test("stores the refresh token, sends it, keeps the rotated one, and removes it on logout", async () => {
    const storage = memoryStorage();
    const { clock, server, client } = await signedIn({ mode: "local_storage" }, { storage });
    assert.equal(storage.data.get(KEY), "refresh-1");

    await clock.advance(240_000);
    assert.deepEqual(server.callsTo("/api/token/refresh/")[0].json, { refresh: "refresh-1" });
    assert.equal(server.callsTo("/api/token/refresh/")[0].headers.has("X-CSRFToken"), false);
    assert.equal(storage.data.get(KEY), "refresh-2");

    const access = server.access;
    assert.equal(await client.logout(), true);
    const [logout] = server.callsTo("/api/auth/logout/");
    assert.deepEqual(logout.json, { refresh: "refresh-2" });
    assert.equal(logout.headers.get("Authorization"), `Bearer ${access}`);
    assert.equal(storage.data.has(KEY), false);
  });

  test("keeps the old refresh token when the server does not rotate", async () => {
    const storage = memoryStorage();
    const { clock, server } = await signedIn({ mode: "local_storage" }, { storage });
    server.override.set("/api/token/refresh/", () => Response.json({ access: server.access, expires_in: 300 }));
    await clock.advance(240_000);
    assert.equal(storage.data.get(KEY), "refresh-1");
  });

  test("access tokens stay out of storage", async () => {
    const storage = memoryStorage();
    const { clock, server } = await signedIn({ mode: "local_storage" }, { storage });
    await clock.advance(240_000);
    const written = storage.log.filter(([op]) => op === "set").map(([, key, value]) => [key, value]);
    assert.deepEqual(written, [
      [KEY, "refresh-1"],
      [KEY, "refresh-2"],
    ]);
    assert.ok(!written.some(([, value]) => value === server.access));
  });

  test("restore() with nothing stored makes no request", async () => {
    const server = fakeServer({ mode: "local_storage" });
    const client = makeClient({ server, clock: fakeClock(), storage: memoryStorage() });
    assert.equal((await client.restore()).status, "signed_out");
    assert.equal(server.calls.length, 0);
  });

  test("restore() with a stored token refreshes", async () => {
    const server = fakeServer({ mode: "local_storage" });
    server.issue();
    const storage = memoryStorage({ [KEY]: server.refresh });
    const client = makeClient({ server, clock: fakeClock(), storage });
    const state = await client.restore();
    assert.equal(state.status, "signed_in");
    assert.equal(storage.data.get(KEY), server.refresh);
    assert.equal((await client.apiFetch("/api/me/")).status, 200);
  });

  test("a refused refresh removes the stored token", async () => {
    const storage = memoryStorage();
    const { clock, server, client } = await signedIn({ mode: "local_storage" }, { storage });
    server.override.set("/api/token/refresh/", () => Response.json({ detail: "Revoked", code: "session_revoked" }, { status: 401 }));
    await clock.advance(240_000);
    assert.equal(client.getState().reason, "session_revoked");
    assert.equal(storage.data.has(KEY), false);
  });
});

describe("logout", () => {
  test("refreshes an expired access token first, through the normal path", async () => {
    const { clock, server, client } = await signedIn({ mode: "local_storage" });
    clock.jump(10 * 60 * 1000);
    assert.equal(await client.logout(), true);
    assert.deepEqual(
      server.calls.map((call) => call.path),
      ["/api/token/", "/api/token/refresh/", "/api/auth/logout/"],
    );
    assert.deepEqual(server.callsTo("/api/auth/logout/")[0].json, { refresh: "refresh-2" });
  });

  test("signs out, and keeps the token only for the logout still owed, when the server cannot be reached", async () => {
    const storage = memoryStorage();
    const { server, client } = await signedIn({ mode: "local_storage" }, { storage });
    server.override.set("/api/auth/logout/", () => Promise.reject(new TypeError("offline")));
    assert.equal(await client.logout(), false);
    assert.equal(client.getState().status, "signed_out");
    assert.equal(storage.data.has(KEY), false, "nothing signs in with it");
    assert.deepEqual(JSON.parse(storage.data.get(PENDING)), { reason: "logout", refresh: "refresh-1" });
  });

  for (const mode of ["httponly_cookie", "local_storage"]) {
    test(`${mode}: a logout the server never heard of is finished by the next restore(), which signs nobody in`, async () => {
      const storage = memoryStorage();
      const { server, client } = await signedIn({ mode }, { storage });
      server.override.set("/api/auth/logout/", () => json(503, { detail: "Down", code: "service_unavailable" }));
      assert.equal(await client.logout(), false);
      client.dispose();
      server.override.delete("/api/auth/logout/");

      const reloaded = makeClient({ server, clock: fakeClock(), storage });
      const events = [];
      reloaded.subscribe((state, event) => events.push(event.type));
      const state = await reloaded.restore();
      assert.equal(state.status, "signed_out");
      assert.equal(state.reason, "logout");
      assert.deepEqual(events, ["signed_out"], "never signed in on the way");
      assert.deepEqual(server.calls.slice(-2).map((call) => call.path), ["/api/token/refresh/", "/api/auth/logout/"]);
      assert.equal(server.callsTo("/api/auth/logout/").at(-1).init.headers.get("Authorization")?.startsWith("Bearer "), true);
      assert.equal(server.access, null, "the server ended the session");
      assert.deepEqual([...storage.data], [], "nothing left to retry, nothing to sign in with");
      assert.equal((await makeClient({ server, clock: fakeClock(), storage }).restore()).status, "signed_out");
      assert.equal(server.calls.length, 4, "sign-in, failed logout, refresh, logout; the next load asks nothing");
    });
  }

  test("a logout still owed stays owed while the server cannot be reached, and a sign-in forgets it", async () => {
    const storage = memoryStorage();
    const { server, client } = await signedIn({ mode: "httponly_cookie" }, { storage });
    server.override.set("/api/auth/logout/", () => Promise.reject(new TypeError("offline")));
    await client.logout();
    server.override.set("/api/token/refresh/", () => Promise.reject(new TypeError("offline")));
    const reloaded = makeClient({ server, clock: fakeClock(), storage });
    assert.equal((await reloaded.restore()).status, "signed_out");
    assert.ok(storage.data.has(PENDING));
    await reloaded.login({ username: "demo", password: "secret" });
    assert.equal(storage.data.has(PENDING), false);
  });

  test("logoutAll() posts to logout-all with the same credentials", async () => {
    const { server, client } = await signedIn({ mode: "httponly_cookie" });
    const token = server.access;
    assert.equal(await client.logoutAll(), true);
    const [call] = server.callsTo("/api/auth/logout-all/");
    assert.equal(call.headers.get("Authorization"), `Bearer ${token}`);
    assert.equal(call.headers.get("X-CSRFToken"), "csrf-value");
    assert.deepEqual(call.json, {});
    assert.equal(client.getState().reason, "logout_all");
  });

  test("logoutAll() sends no refresh token in local_storage mode either: the server refuses any field", async () => {
    const { server, client } = await signedIn({ mode: "local_storage" }, { storage: memoryStorage() });
    assert.equal(await client.logoutAll(), true);
    assert.deepEqual(server.callsTo("/api/auth/logout-all/")[0].json, {});
  });
});

test("an unknown storage mode is refused at once", () => {
  assert.throws(() => createAuthClient({ refreshStorage: "session_storage" }), TypeError);
});
