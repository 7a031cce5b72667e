/**
 * Requests that can be sent twice: once with the current access token and, after a 401,
 * once more with the new one. fetch consumes stream bodies and Request objects, so those
 * are buffered before the first send; every other body type can simply be passed again.
 */
/**
 * @typedef {(token: string | null) => [RequestInfo | URL, RequestInit]} RequestBuilder
 * Returns fetch's arguments for the request, authorised with `token` when there is one.
 */
/**
 * fetch's init, plus `json`: a value to send as the JSON body (Content-Type: application/json
 * unless the headers name another).
 * @typedef {RequestInit & { json?: unknown }} ApiRequestInit
 */
/**
 * Capture a request so it can be sent again with another token.
 * @param {RequestInfo | URL} input
 * @param {ApiRequestInit} [init]
 * @returns {Promise<{ url: string, signal: AbortSignal | null, build: RequestBuilder }>}
 */
export function replayableRequest(input: RequestInfo | URL, init?: ApiRequestInit): Promise<{
    url: string;
    signal: AbortSignal | null;
    build: RequestBuilder;
}>;
/**
 * Return a copy of the headers carrying `Authorization: Bearer <token>` if there is a token.
 * @param {HeadersInit | undefined} headers
 * @param {string | null} token
 * @returns {Headers}
 */
export function withBearer(headers: HeadersInit | undefined, token: string | null): Headers;
/**
 * Returns fetch's arguments for the request, authorised with `token` when there is one.
 */
export type RequestBuilder = (token: string | null) => [RequestInfo | URL, RequestInit];
/**
 * fetch's init, plus `json`: a value to send as the JSON body (Content-Type: application/json
 * unless the headers name another).
 */
export type ApiRequestInit = RequestInit & {
    json?: unknown;
};
