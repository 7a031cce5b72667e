/**
 * @param {number} status
 * @returns {boolean}
 */
export function isTransientStatus(status: number): boolean;
/**
 * The error a request that took longer than `ms` fails with.
 * @param {number} ms
 */
export function timeoutError(ms: number): AuthError;
/** The error everything still waiting on a disposed client fails with. */
export function disposedError(): AuthError;
/**
 * Build an AuthError from an error response, tolerating bodies that are not the API's JSON
 * (a proxy's HTML 502 page, say).
 * @param {Response} response
 * @returns {Promise<AuthError>}
 */
export function errorFromResponse(response: Response): Promise<AuthError>;
/**
 * Read Retry-After as seconds: either form RFC 9110 allows (seconds, or an HTTP date).
 * @param {Response} response
 * @param {() => number} [now]
 * @returns {number | null}
 */
export function retryAfterSeconds(response: Response, now?: () => number): number | null;
/**
 * The API error code of an answer (read from a copy, so the caller still gets the body).
 * @param {Response} response
 * @returns {Promise<string | null>}
 */
export function errorCodeOf(response: Response): Promise<string | null>;
/**
 * What a 401 on an API call means: "refresh" (one refresh, one replay), "end" (the session is
 * over), or "pass" (the application's own 401: hand the response back untouched).
 * @param {string | null} code
 * @returns {"refresh" | "end" | "pass"}
 */
export function meaningOf401(code: string | null): "refresh" | "end" | "pass";
/**
 * @param {unknown} error
 * @returns {boolean} Whether `error` is an abort (the caller's signal, or a disposal).
 */
export function isAbort(error: unknown): boolean;
/** Errors the client reports, and how it reads the API's error answers (`{"detail", "code"}`). */
/**
 * The 401 codes that mean the session itself is over: no refresh can help, every tab signs out.
 * On the refresh endpoint any 4xx but a CSRF failure (retried once) ends the session too.
 */
export const SESSION_ENDING_CODES: readonly string[];
/** The one 401 code on an API call that a refresh can cure: the access token expired or was refused. */
export const REFRESHABLE_CODE: "token_not_valid";
/**
 * @typedef {object} AuthErrorOptions
 * @property {unknown} [errors] Field errors of a validation failure (code "invalid").
 * @property {number | null} [retryAfter] Seconds the server asked to wait (Retry-After).
 * @property {boolean} [transient] Override: whether retrying later makes sense.
 */
/** An error answer from the API, or a failure of the client's own (status 0: no HTTP answer). */
export class AuthError extends Error {
    /**
     * @param {number} status HTTP status of the answer; 0 when there was none (a time-out, say).
     * @param {string} code The API's error code, e.g. "token_reused", or the client's ("timeout", "disposed").
     * @param {string} detail Human-readable message.
     * @param {AuthErrorOptions} [options]
     */
    constructor(status: number, code: string, detail: string, options?: AuthErrorOptions);
    /** @type {number} */
    status: number;
    /** @type {string} */
    code: string;
    /** @type {unknown} */
    errors: unknown;
    /** @type {number | null} Seconds the server asked to wait (Retry-After), if it said. */
    retryAfter: number | null;
    /**
     * True when the failure says nothing about the session, so retrying later makes sense:
     * no answer in time, a 5xx, a 429 (the server's throttle) or a 408.
     * @type {boolean}
     */
    transient: boolean;
}
export type AuthErrorOptions = {
    /**
     * Field errors of a validation failure (code "invalid").
     */
    errors?: unknown;
    /**
     * Seconds the server asked to wait (Retry-After).
     */
    retryAfter?: number | null | undefined;
    /**
     * Override: whether retrying later makes sense.
     */
    transient?: boolean | undefined;
};
