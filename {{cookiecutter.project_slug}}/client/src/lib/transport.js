/**
 * The HTTP side: where requests go, what they carry (the Bearer token only to the API's
 * origin, the CSRF token in cookie mode, credentials across origins), and time-outs.
 */

import { disposedError, timeoutError } from "./errors.js";
import { anySignal, timeoutSignal } from "./signals.js";

/** @typedef {import("./signals.js").Clock} Clock */

/**
 * @typedef {object} Site
 * @property {string | null} apiOrigin The API's origin; null when unknown (no baseUrl, no page).
 * @property {string | null} pageOrigin
 * @property {string | undefined} baseUrl
 */

/**
 * @typedef {object} PageLocation
 * @property {string} [origin]
 * @property {string} [href]
 */

/**
 * Work out where the API is: `baseUrl`, else the page's own origin.
 * @param {string | URL | undefined} baseUrl
 * @param {PageLocation | undefined} location The page's location, if any.
 * @returns {Site}
 */
export function siteOf(baseUrl, location) {
  const pageOrigin = location?.origin && location.origin !== "null" ? location.origin : null;
  if (baseUrl === undefined) return { apiOrigin: pageOrigin, pageOrigin, baseUrl: undefined };
  const url = new URL(String(baseUrl), location?.href);
  return { apiOrigin: url.origin, pageOrigin, baseUrl: url.href };
}

/**
 * Resolve a URL against the API's base (relative URLs stay relative without one).
 * @param {Site} site
 * @param {string} url
 * @returns {string}
 */
export function resolveUrl(site, url) {
  return site.baseUrl === undefined ? url : new URL(url, site.baseUrl).href;
}

/**
 * The prefix of the channel, lock and storage names: "auth" for an API on the page's own
 * origin (the names earlier versions used), else "auth@" and the API's base URL, so that two
 * clients for two APIs on one page never share a name.
 * @param {Site} site
 * @returns {string}
 */
export function namespaceOf(site) {
  if (site.baseUrl === undefined) return "auth";
  const base = site.baseUrl.replace(/\/+$/, "");
  return base === site.pageOrigin ? "auth" : `auth@${base}`;
}

/**
 * Whether a request to `url` may carry the access token: only to the API's origin, or to an
 * origin the application listed in `bearerOrigins`. A relative URL without any base to
 * resolve it against is the API's.
 * @param {Site} site
 * @param {readonly string[]} bearerOrigins
 * @param {string} url
 * @returns {boolean}
 */
export function mayCarryBearer(site, bearerOrigins, url) {
  const base = site.baseUrl ?? site.pageOrigin ?? undefined;
  let origin;
  try {
    origin = new URL(url, base).origin;
  } catch {
    return base === undefined; // relative, and nothing to resolve it against
  }
  return origin === site.apiOrigin || bearerOrigins.includes(origin);
}

/**
 * Credentials for the token endpoints: "include" in cookie mode when the API is on another
 * origin (its cookies must travel), else "same-origin". In local_storage mode no cookie is
 * needed, and a credentialed request would need the API to allow credentials through CORS.
 * @param {Site} site
 * @param {"httponly_cookie" | "local_storage"} refreshStorage
 * @returns {RequestCredentials}
 */
export function defaultCredentials(site, refreshStorage) {
  const otherOrigin = Boolean(site.apiOrigin && site.pageOrigin && site.apiOrigin !== site.pageOrigin);
  return otherOrigin && refreshStorage === "httponly_cookie" ? "include" : "same-origin";
}

/**
 * fetch with a time-out (on the injectable clock) and the client's own life: once the client
 * is disposed, nothing it started is still running.
 * @param {object} options
 * @param {typeof fetch} options.fetch
 * @param {Clock} options.clock
 * @param {number} options.timeoutMs
 * @param {AbortSignal} options.life Aborted by dispose().
 * @returns {(input: RequestInfo | URL, init?: RequestInit) => Promise<Response>}
 */
export function timedFetch({ fetch, clock, timeoutMs, life }) {
  return async (input, init = {}) => {
    if (life.aborted) throw disposedError();
    const timer = timeoutSignal(clock, timeoutMs, () => timeoutError(timeoutMs));
    try {
      return await fetch(input, { ...init, signal: anySignal([init.signal, life, timer.signal]) });
    } catch (error) {
      if (life.aborted) throw disposedError();
      if (timer.signal.aborted) throw timer.signal.reason;
      throw error;
    } finally {
      timer.cancel();
    }
  };
}

/**
 * A JSON POST to the API.
 * @param {object} body
 * @param {RequestCredentials} credentials
 * @param {HeadersInit} [headers]
 * @returns {RequestInit}
 */
export function jsonPost(body, credentials, headers = {}) {
  const allHeaders = new Headers(headers);
  allHeaders.set("Content-Type", "application/json");
  allHeaders.set("Accept", "application/json");
  return { method: "POST", credentials, headers: allHeaders, body: JSON.stringify(body) };
}

/**
 * The CSRF token cookie mode sends as X-CSRFToken: the one the last token answer carried
 * (kept in memory: a page on another host cannot read the API's cookies), else the csrftoken
 * cookie (readable on the same origin), else one fetched from the API's CSRF endpoint.
 * @param {object} options
 * @param {(name: string) => string | null} options.getCookie
 * @param {string} options.cookieName
 * @param {(signal?: AbortSignal) => Promise<Response>} options.fetchToken GET the CSRF endpoint.
 */
export function csrfTokens({ getCookie, cookieName, fetchToken }) {
  /** @type {string | null} */
  let remembered = null;
  const current = () => remembered ?? getCookie(cookieName);

  /** Ask the API for a token; null if it has no such endpoint or cannot be reached. */
  async function fetchFromApi() {
    try {
      const response = await fetchToken();
      const body = response.ok ? await response.json() : null;
      return typeof body?.csrf_token === "string" ? body.csrf_token : null;
    } catch {
      return null;
    }
  }

  return {
    /** @param {any} body A token answer, which may carry `csrf_token`. */
    remember(body) {
      if (typeof body?.csrf_token === "string" && body.csrf_token) remembered = body.csrf_token;
    },
    current,
    /** The token to send, fetched first when the page has none. */
    async ensure() {
      const token = current();
      if (token) return token;
      remembered = await fetchFromApi();
      return current();
    },
    /** After a csrf_failed: forget the remembered token and fetch a fresh one. */
    async renew() {
      remembered = null;
      remembered = await fetchFromApi();
      return current();
    },
  };
}
