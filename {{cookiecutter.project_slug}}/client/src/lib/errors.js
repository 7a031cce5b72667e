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
  }

  /** True for a 5xx: the server failed, the session may well be fine, so retrying later makes sense. */
  get transient() {
    return this.status >= 500;
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
  return new AuthError(response.status, code, detail, body?.errors);
}
