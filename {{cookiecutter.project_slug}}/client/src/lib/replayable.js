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
export async function replayableRequest(input, init = {}) {
  const { json, ...plain } = init;
  const { url, base } = isRequest(input) ? await unpackRequest(input, plain) : { url: String(input), base: {} };
  /** @type {RequestInit & { duplex?: string }} */
  const merged = { ...base, ...plain };
  const headers = new Headers(merged.headers);
  if (json !== undefined) {
    merged.body = JSON.stringify(json);
    if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
  }
  if (isStream(merged.body)) {
    merged.body = await new Response(merged.body).arrayBuffer();
    delete merged.duplex; // only meaningful for stream bodies
  }
  return { url, signal: merged.signal ?? null, build: (token) => [url, { ...merged, headers: withBearer(headers, token) }] };
}

/**
 * Return a copy of the headers carrying `Authorization: Bearer <token>` if there is a token.
 * @param {HeadersInit | undefined} headers
 * @param {string | null} token
 * @returns {Headers}
 */
export function withBearer(headers, token) {
  const copy = new Headers(headers);
  if (token) copy.set("Authorization", `Bearer ${token}`);
  return copy;
}

/**
 * Turn a Request into a URL and init; its body is read into memory (unless init replaces it).
 * @param {Request} request
 * @param {RequestInit} init
 * @returns {Promise<{ url: string, base: RequestInit }>}
 */
async function unpackRequest(request, init) {
  const needsBody = request.body !== null && init.body === undefined;
  return {
    url: request.url,
    base: {
      method: request.method,
      headers: request.headers,
      body: needsBody ? await request.arrayBuffer() : undefined,
      signal: request.signal,
      credentials: request.credentials,
      cache: request.cache,
      redirect: request.redirect,
      referrerPolicy: request.referrerPolicy,
      integrity: request.integrity,
      keepalive: request.keepalive,
      // "navigate" belongs to page loads and cannot be passed to fetch.
      mode: request.mode === "navigate" ? undefined : request.mode,
    },
  };
}

/**
 * @param {unknown} input
 * @returns {input is Request}
 */
function isRequest(input) {
  return typeof Request !== "undefined" && input instanceof Request;
}

/**
 * @param {unknown} body
 * @returns {body is ReadableStream}
 */
function isStream(body) {
  return typeof ReadableStream !== "undefined" && body instanceof ReadableStream;
}
