import assert from "node:assert/strict";
import { test } from "node:test";

import { AuthError, errorFromResponse, meaningOf401 } from "../src/lib/errors.js";

test("only token_not_valid refreshes; the session codes end it; anything else is the application's", () => {
  assert.equal(meaningOf401("token_not_valid"), "refresh");
  for (const code of ["session_revoked", "session_expired", "user_inactive", "user_not_found"]) assert.equal(meaningOf401(code), "end");
  for (const code of ["not_authenticated", "token_blacklisted", "my_app_code", null]) assert.equal(meaningOf401(code), "pass");
});

test("an answer that is not the API's JSON still makes an AuthError, transient for a 5xx", async () => {
  const error = await errorFromResponse(new Response("<h1>Bad gateway</h1>", { status: 502, statusText: "Bad Gateway" }));
  assert.ok(error instanceof AuthError);
  assert.equal(error.code, "http_502");
  assert.equal(error.message, "Bad Gateway");
  assert.equal(error.transient, true);
});

test("the API's code, detail and field errors are kept; a 4xx is not transient, a 429 and 408 are", async () => {
  const body = { detail: "Invalid input.", code: "invalid", errors: { username: ["Required."] } };
  const error = await errorFromResponse(Response.json(body, { status: 400 }));
  assert.deepEqual([error.status, error.code, error.message, error.errors, error.transient], [400, "invalid", "Invalid input.", body.errors, false]);
  assert.equal(new AuthError(429, "throttled", "").transient, true);
  assert.equal(new AuthError(408, "timeout", "").transient, true);
  assert.equal(new AuthError(0, "timeout", "").transient, true, "no answer at all");
});
