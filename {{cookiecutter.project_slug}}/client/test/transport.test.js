import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { retryAfterSeconds } from "../src/lib/errors.js";
import { defaultCredentials, mayCarryBearer, namespaceOf, siteOf } from "../src/lib/transport.js";
import { API, START, fakeClock, fakeServer, json, makeClient, memoryStorage, signedIn } from "./fakes.js";

const APP = { origin: "https://app.example.test", href: "https://app.example.test/orders/7" };

describe("where the API is", () => {
  test("by default the page's own origin: same-origin credentials, the names earlier versions used", () => {
    const site = siteOf(undefined, APP);
    assert.equal(site.apiOrigin, APP.origin);
    assert.equal(defaultCredentials(site, "httponly_cookie"), "same-origin");
    assert.equal(namespaceOf(site), "auth");
    assert.equal(namespaceOf(siteOf("https://app.example.test/", APP)), "auth");
  });

  test("a baseUrl on a sibling subdomain: credentials included in cookie mode, names of its own", () => {
    const site = siteOf("https://api.example.test", APP);
    assert.equal(site.apiOrigin, "https://api.example.test");
    assert.equal(defaultCredentials(site, "httponly_cookie"), "include");
    assert.equal(namespaceOf(site), "auth@https://api.example.test");
    assert.notEqual(namespaceOf(siteOf("https://api2.example.test", APP)), namespaceOf(site));
  });

  test("local_storage mode sends no cookies to another origin, so CORS need not allow credentials", () => {
    const site = siteOf("https://api.example.test", APP);
    assert.equal(defaultCredentials(site, "local_storage"), "same-origin");
  });

  test("the Bearer token may go to the API's origin and the listed ones, never elsewhere", () => {
    const site = siteOf("https://api.example.test", APP);
    const listed = ["https://files.example.test"];
    assert.equal(mayCarryBearer(site, listed, "https://api.example.test/api/me/"), true);
    assert.equal(mayCarryBearer(site, listed, "https://files.example.test/x"), true);
    assert.equal(mayCarryBearer(site, listed, "https://app.example.test/api/me/"), false, "not even the page's own origin");
    assert.equal(mayCarryBearer(site, listed, "https://api.example.test.evil.test/"), false);
    assert.equal(mayCarryBearer(site, listed, "http://api.example.test/api/me/"), false, "another scheme is another origin");
  });
});

describe("CSRF in cookie mode, the app and the API on sibling subdomains", () => {
  // The page cannot read the API host's cookies: document.cookie has no csrftoken for it.
  const crossSite = { getCookie: () => null };

  test("sign-in hands the token over in its body; refreshes send it from memory", async () => {
    const { clock, server } = await signedIn({ sendCsrf: true }, crossSite);
    await clock.advance(240_000);
    const [refresh] = server.callsTo("/api/token/refresh/");
    assert.equal(refresh.headers.get("X-CSRFToken"), server.csrf);
    assert.equal(server.callsTo("/api/auth/csrf/").length, 0);
  });

  test("after a reload, restore() fetches a token from /api/auth/csrf/ first, then refreshes", async () => {
    const server = fakeServer({ sendCsrf: true });
    server.issue();
    const client = makeClient({ server, clock: fakeClock(), ...crossSite, storage: memoryStorage({ [`auth@${API}.session`]: "1" }) });
    assert.equal((await client.restore()).status, "signed_in");
    assert.deepEqual(server.calls.map((call) => [call.method, call.path]), [
      ["GET", "/api/auth/csrf/"],
      ["POST", "/api/token/refresh/"],
    ]);
    assert.equal(server.calls[1].headers.get("X-CSRFToken"), server.csrf);
  });

  test("a csrf_failed fetches a fresh token and tries once more", async () => {
    const { clock, server, client } = await signedIn({ sendCsrf: true }, crossSite);
    server.csrf = "rotated"; // the server's secret changed: the remembered token is stale
    await clock.advance(240_000);
    const refreshes = server.callsTo("/api/token/refresh/");
    assert.deepEqual(refreshes.map((call) => call.headers.get("X-CSRFToken")), ["csrf-value", "rotated"]);
    assert.equal(client.getState().refreshCount, 1);
  });

  test("a second csrf_failed ends the session", async () => {
    const { clock, server, client } = await signedIn({ sendCsrf: true }, crossSite);
    server.override.set("/api/token/refresh/", () => json(403, { detail: "CSRF Failed", code: "csrf_failed" }));
    await clock.advance(240_000);
    assert.equal(server.callsTo("/api/token/refresh/").length, 2);
    assert.equal(client.getState().reason, "csrf_failed");
  });

  test("on the same origin, a server without the endpoint is fine: the csrftoken cookie is read", async () => {
    const { clock, server } = await signedIn({ sendCsrf: false });
    await clock.advance(240_000);
    assert.equal(server.callsTo("/api/token/refresh/")[0].headers.get("X-CSRFToken"), server.csrf);
    assert.equal(server.callsTo("/api/auth/csrf/").length, 0);
  });

  test("local_storage mode sends no CSRF token and never asks for one", async () => {
    const { clock, server } = await signedIn({ mode: "local_storage", sendCsrf: true }, crossSite);
    await clock.advance(240_000);
    assert.equal(server.callsTo("/api/token/refresh/")[0].headers.has("X-CSRFToken"), false);
    assert.equal(server.callsTo("/api/auth/csrf/").length, 0);
  });
});

test("Retry-After is read in either of its forms", () => {
  const answer = (value) => new Response(null, { status: 429, headers: { "Retry-After": value } });
  assert.equal(retryAfterSeconds(answer("120")), 120);
  assert.equal(retryAfterSeconds(answer(new Date(START + 30_000).toUTCString()), () => START), 30);
  assert.equal(retryAfterSeconds(answer("soon")), null);
  assert.equal(retryAfterSeconds(new Response(null, { status: 429 })), null);
});
