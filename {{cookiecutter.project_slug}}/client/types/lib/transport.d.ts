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
export function siteOf(baseUrl: string | URL | undefined, location: PageLocation | undefined): Site;
/**
 * Resolve a URL against the API's base (relative URLs stay relative without one).
 * @param {Site} site
 * @param {string} url
 * @returns {string}
 */
export function resolveUrl(site: Site, url: string): string;
/**
 * The prefix of the channel, lock and storage names: "auth" for an API on the page's own
 * origin (the names earlier versions used), else "auth@" and the API's base URL, so that two
 * clients for two APIs on one page never share a name.
 * @param {Site} site
 * @returns {string}
 */
export function namespaceOf(site: Site): string;
/**
 * Whether a request to `url` may carry the access token: only to the API's origin, or to an
 * origin the application listed in `bearerOrigins`. A relative URL without any base to
 * resolve it against is the API's.
 * @param {Site} site
 * @param {readonly string[]} bearerOrigins
 * @param {string} url
 * @returns {boolean}
 */
export function mayCarryBearer(site: Site, bearerOrigins: readonly string[], url: string): boolean;
/**
 * Credentials for the token endpoints: "include" in cookie mode when the API is on another
 * origin (its cookies must travel), else "same-origin". In local_storage mode no cookie is
 * needed, and a credentialed request would need the API to allow credentials through CORS.
 * @param {Site} site
 * @param {"httponly_cookie" | "local_storage"} refreshStorage
 * @returns {RequestCredentials}
 */
export function defaultCredentials(site: Site, refreshStorage: "httponly_cookie" | "local_storage"): RequestCredentials;
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
export function timedFetch({ fetch, clock, timeoutMs, life }: {
    fetch: typeof globalThis.fetch;
    clock: Clock;
    timeoutMs: number;
    life: AbortSignal;
}): (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;
/**
 * A JSON POST to the API.
 * @param {object} body
 * @param {RequestCredentials} credentials
 * @param {HeadersInit} [headers]
 * @returns {RequestInit}
 */
export function jsonPost(body: object, credentials: RequestCredentials, headers?: HeadersInit): RequestInit;
/**
 * The CSRF token cookie mode sends as X-CSRFToken: the one the last token answer carried
 * (kept in memory: a page on another host cannot read the API's cookies), else the csrftoken
 * cookie (readable on the same origin), else one fetched from the API's CSRF endpoint.
 * @param {object} options
 * @param {(name: string) => string | null} options.getCookie
 * @param {string} options.cookieName
 * @param {(signal?: AbortSignal) => Promise<Response>} options.fetchToken GET the CSRF endpoint.
 */
export function csrfTokens({ getCookie, cookieName, fetchToken }: {
    getCookie: (name: string) => string | null;
    cookieName: string;
    fetchToken: (signal?: AbortSignal) => Promise<Response>;
}): {
    /** @param {any} body A token answer, which may carry `csrf_token`. */
    remember(body: any): void;
    current: () => string | null;
    /** The token to send, fetched first when the page has none. */
    ensure(): Promise<string | null>;
    /** After a csrf_failed: forget the remembered token and fetch a fresh one. */
    renew(): Promise<string | null>;
};
export type Clock = import("./signals.js").Clock;
export type Site = {
    /**
     * The API's origin; null when unknown (no baseUrl, no page).
     */
    apiOrigin: string | null;
    pageOrigin: string | null;
    baseUrl: string | undefined;
};
export type PageLocation = {
    origin?: string | undefined;
    href?: string | undefined;
};
