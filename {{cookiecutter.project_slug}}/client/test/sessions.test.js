import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { AuthError } from "../src/index.js";
import { json, signedIn } from "./fakes.js";

const LISTED = [
  { id: "b", created_at: "2030-01-02T00:00:00Z", last_used_at: null, expires_at: null, user_agent: "Phone", ip_address: null, current: false },
  { id: "a", created_at: "2030-01-01T00:00:00Z", last_used_at: null, expires_at: null, user_agent: "Laptop", ip_address: "127.0.0.1", current: true },
];

describe("the user's sessions", () => {
  test("listSessions GETs the sessions with the access token and returns them", async () => {
    const { server, client } = await signedIn();
    server.override.set("/api/auth/sessions/", () => json(200, LISTED));
    assert.deepEqual(await client.listSessions(), LISTED);
    const [call] = server.callsTo("/api/auth/sessions/");
    assert.equal(call.method, "GET");
    assert.equal(call.headers.get("Authorization"), `Bearer ${server.access}`);
  });

  test("endSession DELETEs that session's URL, its id escaped", async () => {
    const { server, client } = await signedIn();
    server.override.set("/api/auth/sessions/a%2Fb/", () => new Response(null, { status: 204 }));
    await client.endSession("a/b");
    assert.equal(server.callsTo("/api/auth/sessions/a%2Fb/")[0].method, "DELETE");
    assert.equal(client.getState().status, "signed_in");
  });

  test("endSession rejects with the server's code for a session that is not the user's", async () => {
    const { server, client } = await signedIn();
    server.override.set("/api/auth/sessions/x/", () => json(404, { detail: "No", code: "session_not_found" }));
    await assert.rejects(client.endSession("x"), (error) => error instanceof AuthError && error.code === "session_not_found");
    assert.equal(client.getState().status, "signed_in");
  });

  test("logoutOthers POSTs {} and this client stays signed in", async () => {
    const { server, client } = await signedIn();
    server.override.set("/api/auth/logout-others/", () => new Response(null, { status: 205 }));
    await client.logoutOthers();
    const [call] = server.callsTo("/api/auth/logout-others/");
    assert.deepEqual([call.method, call.json], ["POST", {}]);
    assert.equal(client.getState().status, "signed_in");
  });
});
