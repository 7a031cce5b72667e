import assert from "node:assert/strict";
import { test } from "node:test";

import { createAuthClient, projectDefaults } from "../src/index.js";
import { createAuthClient as createLibraryClient } from "../src/lib/auth-client.js";
import { decodeJwtPayload, jwtLifetimeMs } from "../src/lib/jwt.js";
import { API, fakeClock, fakeServer, makeJwt } from "./fakes.js";

test("the project defaults are frozen", () => {
  assert.ok(Object.isFrozen(projectDefaults) && Object.isFrozen(projectDefaults.endpoints));
});

test("the library refuses to start without one of the endpoints, and names it", () => {
  const { csrf, ...endpoints } = projectDefaults.endpoints;
  assert.throws(
    () => createLibraryClient({ refreshStorage: "httponly_cookie", baseUrl: API, endpoints }),
    { name: "TypeError", message: /endpoints\.csrf is missing/ },
  );
});

test("createAuthClient from index.js uses the project's endpoints, which options override one by one", async () => {
  const server = fakeServer({ mode: "local_storage" });
  const clock = fakeClock();
  const routed = [];
  const client = createAuthClient({
    refreshStorage: "local_storage", // the template's config.js is not rendered here
    baseUrl: API,
    endpoints: { logout: "/api/custom-logout/" },
    fetch: (input, init) => {
      routed.push(String(input));
      return server.fetch(String(input).replace("custom-logout", "auth/logout"), init);
    },
    storage: { getItem: () => "refresh-1", setItem() {}, removeItem() {} },
    now: clock.now,
    setTimeout: clock.setTimeout,
    clearTimeout: clock.clearTimeout,
    locks: null,
    BroadcastChannel: null,
  });
  await client.login({ username: "demo", password: "secret" });
  await client.logout();
  assert.deepEqual(routed, [`${API}/api/token/`, `${API}/api/custom-logout/`]);
  client.dispose();
});

test("JWT payloads decode, base64url and UTF-8 included", () => {
  const token = makeJwt({ name: "Zoë ✓", iat: 100, exp: 400, pad: "??>>" });
  assert.deepEqual(decodeJwtPayload(token), { name: "Zoë ✓", iat: 100, exp: 400, pad: "??>>" });
  assert.equal(jwtLifetimeMs(token), 300_000);
  assert.equal(decodeJwtPayload("not a jwt"), null);
  assert.equal(decodeJwtPayload("a.%%%.c"), null);
  assert.equal(jwtLifetimeMs(makeJwt({ exp: 400 })), null);
});
