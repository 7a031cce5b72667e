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
export function createAuthClient(options?: ProjectClientOptions): AuthClient;
export { AuthError } from "./lib/auth-client.js";
export { readableState } from "./lib/readable.js";
export { projectDefaults };
export type AuthClient = import("./lib/auth-client.js").AuthClient;
export type AuthClientOptions = import("./lib/auth-client.js").AuthClientOptions;
export type Endpoints = import("./lib/auth-client.js").Endpoints;
export type ProjectClientOptions = Partial<Omit<AuthClientOptions, "endpoints">> & {
    endpoints?: Partial<Endpoints>;
};
export type AuthState = import("./lib/auth-client.js").AuthState;
export type AuthEvent = import("./lib/auth-client.js").AuthEvent;
export type AuthListener = import("./lib/auth-client.js").AuthListener;
import { projectDefaults } from "./config.js";
