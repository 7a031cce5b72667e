import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { gate, json, settle, signedIn } from "./fakes.js";

/** Make the server forget the client's access token, as after a key rotation: the next call gets 401. */
function invalidateClientToken(server) {
  server.issue();
}

/** A route that refuses every token but the server's current one. */
function guarded(server) {
  return (call) =>
    call.headers.get("Authorization") === `Bearer ${server.access}`
      ? json(200, { ok: true })
      : json(401, { detail: "Token expired", code: "token_not_valid" });
}

const bodyText = (body) => new Response(body).text();

describe("after a 401", () => {
  test("ten concurrent refusals cost one refresh, and each request is replayed once", async () => {
    const { server, client } = await signedIn();
    invalidateClientToken(server);
    const held = gate();
    server.refreshGate = held.promise;

    const responses = Array.from({ length: 10 }, (_, i) => client.apiFetch(`/api/me/?n=${i}`));
    await settle();
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
    held.open();

    const statuses = (await Promise.all(responses)).map((response) => response.status);
    assert.deepEqual(statuses, Array(10).fill(200));
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
    const sent = server.callsTo("/api/me/").map((call) => call.init.headers.get("Authorization"));
    assert.equal(sent.length, 20);
    assert.equal(new Set(sent.slice(10)).size, 1, "every replay carries the one new token");
    assert.equal(sent[10], `Bearer ${server.access}`);
  });

  test("requests made while a refresh is in flight wait for it instead of failing first", async () => {
    const { server, client } = await signedIn();
    invalidateClientToken(server);
    const held = gate();
    server.refreshGate = held.promise;
    const first = client.apiFetch("/api/me/");
    await settle();
    const second = client.apiFetch("/api/me/");
    await settle();
    held.open();
    assert.equal((await first).status, 200);
    assert.equal((await second).status, 200);
    assert.equal(server.callsTo("/api/me/").length, 3, "the second request went out once, with the new token");
  });

  test("replays keep method, headers, body and signal", async (t) => {
    const signal = new AbortController().signal;
    const form = new FormData();
    form.append("title", "hello");
    form.append("file", new Blob(["file contents"], { type: "text/plain" }), "a.txt");
    const streamOf = (text) =>
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(text));
          controller.close();
        },
      });
    const cases = {
      "a JSON string": { body: JSON.stringify({ a: 1 }), text: '{"a":1}' },
      "URLSearchParams": { body: new URLSearchParams({ q: "x y" }), text: "q=x+y" },
      "a Blob": { body: new Blob(["blob body"]), text: "blob body" },
      "an ArrayBuffer": { body: new TextEncoder().encode("bytes").buffer, text: "bytes" },
      "a ReadableStream": { body: streamOf("streamed body"), text: "streamed body", duplex: "half" },
      "FormData": { body: form },
    };
    for (const [name, { body, text, duplex }] of Object.entries(cases)) {
      await t.test(name, async () => {
        const { server, client } = await signedIn();
        server.override.set("/api/things/", guarded(server));
        invalidateClientToken(server);
        const init = { method: "PATCH", headers: { "Content-Type": "x/custom", "X-Trace": "42" }, body, signal, duplex };
        const response = await client.apiFetch("/api/things/", init);
        assert.equal(response.status, 200);

        const [first, replay] = server.callsTo("/api/things/");
        assert.ok(replay, "replayed");
        assert.equal(server.callsTo("/api/things/").length, 2);
        for (const call of [first, replay]) {
          assert.equal(call.method, "PATCH");
          assert.equal(call.headers.get("X-Trace"), "42");
          assert.equal(call.headers.get("Content-Type"), "x/custom");
          assert.equal(call.init.signal, signal);
          if (text !== undefined) assert.equal(await bodyText(call.body), text);
        }
        if (body instanceof FormData) {
          assert.equal(first.body, body, "FormData is reused as is");
          assert.equal(replay.body, body);
        }
        assert.notEqual(first.headers.get("Authorization"), replay.headers.get("Authorization"));
        assert.equal(replay.headers.get("Authorization"), `Bearer ${server.access}`);
      });
    }
  });

  test("a Request input is buffered so it can be replayed", async () => {
    const { server, client } = await signedIn();
    server.override.set("/api/things/", guarded(server));
    invalidateClientToken(server);
    const request = new Request("http://testserver/api/things/", {
      method: "PUT",
      headers: { "X-Trace": "7", "Content-Type": "text/plain" },
      body: "request body",
    });
    const response = await client.apiFetch(request);
    assert.equal(response.status, 200);
    const calls = server.callsTo("/api/things/");
    assert.equal(calls.length, 2);
    for (const call of calls) {
      assert.equal(call.method, "PUT");
      assert.equal(call.headers.get("X-Trace"), "7");
      assert.equal(await bodyText(call.body), "request body");
    }
    assert.equal(calls[1].headers.get("Authorization"), `Bearer ${server.access}`);
  });

  test("a 401 for a request sent with an older token is replayed without another refresh", async () => {
    const { clock, server, client } = await signedIn({ lifetimeS: 300 });
    const slow = gate();
    server.override.set("/api/slow/", async (call) => {
      await slow.promise;
      return guarded(server)(call);
    });
    const pending = client.apiFetch("/api/slow/");
    await settle();
    const oldToken = server.access;

    await clock.advance(240_000); // the proactive refresh replaces the token meanwhile
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
    assert.notEqual(server.access, oldToken);

    slow.open(); // ...and the old token's request is now refused
    const response = await pending;
    assert.equal(response.status, 200);
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
    const [first, replay] = server.callsTo("/api/slow/");
    assert.equal(first.headers.get("Authorization"), `Bearer ${oldToken}`);
    assert.equal(replay.headers.get("Authorization"), `Bearer ${server.access}`);
  });

  test("a replay that gets 401 again is returned as is, not replayed again", async () => {
    const { server, client } = await signedIn();
    server.override.set("/api/forbidden/", () => json(401, { detail: "Nope", code: "token_not_valid" }));
    const response = await client.apiFetch("/api/forbidden/");
    assert.equal(response.status, 401);
    assert.deepEqual(await response.json(), { detail: "Nope", code: "token_not_valid" });
    assert.equal(server.callsTo("/api/forbidden/").length, 2);
    assert.equal(server.callsTo("/api/token/refresh/").length, 1);
    assert.equal(client.getState().status, "signed_in");
  });

  test("other answers are handed back untouched", async () => {
    const { server, client } = await signedIn();
    server.override.set("/api/nope/", () => json(403, { detail: "Forbidden", code: "permission_denied" }));
    const response = await client.apiFetch("/api/nope/", { method: "POST", body: "{}" });
    assert.equal(response.status, 403);
    assert.equal(server.callsTo("/api/nope/").length, 1);
    assert.equal(server.callsTo("/api/token/refresh/").length, 0);
  });

  test("a network error is not retried and is told apart from a 401", async () => {
    const { server, client } = await signedIn();
    const failure = new TypeError("Failed to fetch");
    server.override.set("/api/orders/", () => Promise.reject(failure));
    await assert.rejects(client.apiFetch("/api/orders/", { method: "POST", body: "{}" }), (error) => error === failure);
    assert.equal(server.callsTo("/api/orders/").length, 1, "no duplicate POST");
    assert.equal(server.callsTo("/api/token/refresh/").length, 0);
    assert.equal(client.getState().status, "signed_in");
  });

  test("signed out, apiFetch is a plain fetch and a 401 comes back as is", async () => {
    const { server, client } = await signedIn();
    await client.logout();
    const response = await client.apiFetch("/api/me/");
    assert.equal(response.status, 401);
    const [call] = server.callsTo("/api/me/");
    assert.equal(call.headers.has("Authorization"), false);
    assert.equal(server.callsTo("/api/token/refresh/").length, 0);
  });
});
