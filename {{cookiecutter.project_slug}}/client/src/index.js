/** The client with this project's settings (config.js) filled in; options override them. */

import { projectDefaults } from "./config.js";
import { createAuthClient as createClient } from "./lib/auth-client.js";

export { AuthError } from "./lib/auth-client.js";
export { readableState } from "./lib/readable.js";
export { projectDefaults };

/** @typedef {import("./lib/auth-client.js").AuthClient} AuthClient */
/** @typedef {import("./lib/auth-client.js").AuthClientOptions} AuthClientOptions */
/** @typedef {import("./lib/auth-client.js").Endpoints} Endpoints */
/** @typedef {Partial<Omit<AuthClientOptions, "endpoints">> & { endpoints?: Partial<Endpoints> }} ProjectClientOptions */
/** @typedef {import("./lib/auth-client.js").AuthState} AuthState */
/** @typedef {import("./lib/auth-client.js").AuthEvent} AuthEvent */
/** @typedef {import("./lib/auth-client.js").AuthListener} AuthListener */

/**
 * Create an auth client for this project's API.
 * @param {ProjectClientOptions} [options] Anything to change from the project's defaults, endpoints one by one.
 * @returns {AuthClient}
 */
export function createAuthClient(options = {}) {
  // config.js holds the mode as a plain string; createClient checks it at run time.
  const merged = /** @type {AuthClientOptions} */ ({
    ...projectDefaults,
    ...options,
    endpoints: { ...projectDefaults.endpoints, ...options.endpoints },
  });
  return createClient(merged);
}
