/** Errors the server sent back, with the stable `code` the API promises. */

/** An error answer from the API: `{"detail": string, "code": string}` plus the HTTP status. */
export class AuthError extends Error {
  /**
   * @param {number} status HTTP status of the answer.
   * @param {string} code The API's error code, e.g. "token_reused".
   * @param {string} detail Human-readable message.
   * @param {unknown} [errors] Field errors of a validation failure (code "invalid").
   */
  constructor(status, code, detail, errors) {
    super(detail);
    this.name = "AuthError";
    this.status = status;
    this.code = code;
    this.errors = errors;
    /** @type {number | null} Seconds the server asked to wait (Retry-After), if it said. */
    this.retryAfter = null;
  }

  /**
   * True when the failure says nothing about the session, so retrying later makes sense:
   * a 5xx, a 429 (the server's per-client throttle) or a 408.
   */
  get transient() {
    return this.status >= 500 || this.status === 429 || this.status === 408;
  }
}

/**
 * Build an AuthError from an error response, tolerating bodies that are not the API's JSON
 * (a proxy's HTML 502 page, say).
 * @param {Response} response
 * @returns {Promise<AuthError>}
 */
export async function errorFromResponse(response) {
  /** @type {{ code?: unknown, detail?: unknown, errors?: unknown }} */
  const body = await response.json().catch(() => ({}));
  const code = typeof body?.code === "string" ? body.code : `http_${response.status}`;
  const detail = typeof body?.detail === "string" ? body.detail : response.statusText || `HTTP ${response.status}`;
  const error = new AuthError(response.status, code, detail, body?.errors);
  const retryAfter = Number.parseInt(response.headers.get("Retry-After") ?? "", 10);
  error.retryAfter = Number.isFinite(retryAfter) ? retryAfter : null;
  return error;
}
