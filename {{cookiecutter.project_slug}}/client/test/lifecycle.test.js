import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { fakeBroadcastHub, fakeClock, fakeLocks, fakeServer, gate, makeClient, memoryStorage, settle, signedIn } from "./fakes.js";

describe("dispose()", () => {
  test("stops a refresh in flight: its request is aborted, no timer re-armed, no message posted, no listener called", async () => {
    const hub = fakeBroadcastHub();
    const { clock, server, client } = await signedIn({ lifetimeS: 300 }, { BroadcastChannel: hub.BroadcastChannel, locks: fakeLocks() });
    const heard = [];
    client.subscribe((state, event) => heard.push(event.type));
    const held = gate();
    server.refreshGate = held.promise;
    await clock.advance(240_000);
    const refresh = server.callsTo("/api/token/refresh/")[0];
    assert.ok(refresh, "a refresh is in flight");
    const posted = hub.log.length;

    client.dispose();
    await settle();
    assert.equal(refresh.init.signal.aborted, true, "its request was aborted");
    held.open();
    await clock.advance(10 * 60_000);
    assert.equal(clock.pending(), 0);
    assert.equal(hub.log.length, posted);
    assert.deepEqual(heard, []);
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
  });

  test("under React StrictMode's mount, unmount, mount: only the live client refreshes, once per expiry", async () => {
    const clock = fakeClock();
    const server = fakeServer();
    const hub = fakeBroadcastHub();
    const storage = memoryStorage();
    const locks = fakeLocks();
    const mount = () => makeClient({ server, clock, storage, locks, BroadcastChannel: hub.BroadcastChannel });
    const first = mount();
    await first.login({ username: "demo", password: "secret" });
    first.dispose(); // the effect's cleanup
    const second = mount();
    const restoring = second.restore();
    await clock.advance(150); // no other tab answers: it refreshes
    assert.equal((await restoring).status, "signed_in");
    await clock.advance(240_000);
    await clock.advance(240_000);
    assert.equal(server.callsTo("/api/token/refresh/").length, 3, "the restore, then one per expiry");
    assert.equal(first.getState().refreshCount, 0);
    assert.equal(second.getState().refreshCount, 3);
  });

  test("after dispose() every operation rejects with the code disposed", async () => {
    const { client } = await signedIn();
    client.dispose();
    client.dispose(); // twice is harmless
    for (const operation of [() => client.apiFetch("/api/me/"), () => client.login({ username: "demo", password: "secret" }), client.restore, client.getAccessToken, client.logout]) {
      await assert.rejects(operation(), (error) => error.code === "disposed");
    }
  });
});

describe("time-outs", () => {
  test("a refresh that hangs fails after timeoutMs, transiently: the waiting requests reject, a retry is scheduled", async () => {
    const { clock, server, client, events } = await signedIn({ lifetimeS: 300 }, { timeoutMs: 5_000 });
    server.refreshGate = new Promise(() => {}); // never answers
    clock.jump(301_000); // expired: requests must wait for the refresh
    const request = client.apiFetch("/api/me/");
    request.catch(() => {});
    await settle();
    await clock.advance(5_000);
    await assert.rejects(request, (error) => error.code === "timeout" && error.transient);
    assert.equal(client.getState().status, "signed_in");
    assert.equal(events.at(-1).type, "refresh_failed");
    assert.equal(events.at(-1).reason, "timeout");
    assert.equal(server.callsTo("/api/me/").length, 0);
  });

  test("waiting for the lock times out too, when another tab holds it", async () => {
    const locks = fakeLocks();
    const { clock, server, client } = await signedIn({ lifetimeS: 300 }, { locks, timeoutMs: 5_000 });
    const forever = locks.request("auth@http://testserver:refresh", {}, () => new Promise(() => {}));
    clock.jump(301_000);
    const request = client.apiFetch("/api/me/");
    request.catch(() => {});
    await settle();
    await clock.advance(5_000);
    await assert.rejects(request, (error) => error.code === "timeout");
    assert.equal(server.callsTo("/api/token/refresh/").length, 0);
    void forever;
  });

  test("the sign-in request times out as well", async () => {
    const server = fakeServer();
    server.override.set("/api/token/", () => new Promise(() => {}));
    const clock = fakeClock();
    const client = makeClient({ server, clock, timeoutMs: 2_000 });
    const login = client.login({ username: "demo", password: "secret" });
    login.catch(() => {});
    await settle();
    await clock.advance(2_000);
    await assert.rejects(login, (error) => error.code === "timeout");
    assert.equal(client.getState().status, "signed_out");
  });
});
