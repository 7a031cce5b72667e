/**
 * The session a tab holds, and when to refresh it. Times are the local clock's, counted
 * from the moment a token arrived: a token's `exp` is never compared with the local clock.
 */

import { AuthError } from "./errors.js";
import { decodeJwtPayload, jwtLifetimeMs } from "./jwt.js";

/**
 * @typedef {object} Session
 * @property {string} access
 * @property {number} receivedAt Local time (ms) the token arrived.
 * @property {number | null} lifetimeMs
 * @property {number} refreshCount Refreshes in this session, counted across tabs.
 * @property {string} sid The session this token belongs to: its family claim, else a nonce from sign-in.
 */

/**
 * @typedef {object} AuthState
 * @property {"signed_in" | "signed_out"} status
 * @property {number | null} expiresAt Local time (ms) the access token expires; null if unknown or signed out.
 * @property {number} refreshCount Refreshes in this session, counted across tabs.
 * @property {Readonly<Record<string, unknown>> | null} user The access token's claims; null when signed out.
 * @property {string} [reason] Why the session ended: an API error code, "logout" or "logout_all".
 */

/**
 * @typedef {object} AuthEvent
 * @property {"signed_in" | "refreshed" | "refresh_failed" | "signed_out"} type
 * @property {string} [reason] signed_out: why; refresh_failed: the error code.
 * @property {number} [retryInMs] refresh_failed: when the next attempt is due.
 */

/** @typedef {(state: AuthState, event: AuthEvent) => void} AuthListener */

/** The claim naming the session family in this project's tokens. */
const FAMILY_CLAIM = "fam";

/**
 * @typedef {object} SessionContext
 * @property {number} refreshCount
 * @property {number} receivedAt
 * @property {string} sid The session to assume when the token names none.
 */

/**
 * Build a session from a token response. The lifetime is expires_in, else exp - iat: both
 * durations, so the local clock's offset from the server's never matters.
 * @param {any} body
 * @param {SessionContext} context
 * @returns {Session}
 */
export function sessionFromResponse(body, { refreshCount, receivedAt, sid }) {
  if (typeof body?.access !== "string") {
    throw new AuthError(200, "invalid_response", "The token response has no access token.", { transient: true });
  }
  const lifetimeMs =
    typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in * 1000 : jwtLifetimeMs(body.access);
  return { access: body.access, receivedAt, lifetimeMs, refreshCount, sid: sessionIdOf(body.access) ?? sid };
}

/**
 * The session family the token names, or null when it names none (another server's token).
 * @param {string} access
 * @returns {string | null}
 */
export function sessionIdOf(access) {
  const family = decodeJwtPayload(access)?.[FAMILY_CLAIM];
  return typeof family === "string" && family ? family : null;
}

/**
 * @param {Session} session
 * @returns {number | null}
 */
export function expiresAt(session) {
  return session.lifetimeMs === null ? null : session.receivedAt + session.lifetimeMs;
}

/**
 * How long before expiry a refresh is due: `marginMs`, at most a quarter of the lifetime so
 * that short lifetimes still leave the token some use.
 * @param {Session} session
 * @param {number} marginMs
 * @returns {number}
 */
export function refreshMargin(session, marginMs) {
  return Math.min(marginMs, (session.lifetimeMs ?? 0) / 4);
}

/**
 * When this tab refreshes: the margin before expiry, plus this tab's own share (`jitter`,
 * 0..1) of a fifth of the margin, so that tabs whose timers would fire together do not.
 * @param {Session} session
 * @param {number} marginMs
 * @param {number} jitter
 * @returns {number | null}
 */
export function refreshDueAt(session, marginMs, jitter = 0) {
  const expiry = expiresAt(session);
  if (expiry === null) return null;
  const margin = refreshMargin(session, marginMs);
  return expiry - margin + (jitter * margin) / 5;
}

/**
 * Until when a request may go out with this token rather than wait for a refresh: half the
 * margin before expiry, which leaves the request time to arrive before the token expires.
 * @param {Session} session
 * @param {number} marginMs
 * @returns {number | null}
 */
export function usableUntil(session, marginMs) {
  const expiry = expiresAt(session);
  return expiry === null ? null : expiry - refreshMargin(session, marginMs) / 2;
}

/**
 * Holds the state listeners see: one frozen snapshot, rebuilt only when something changes,
 * so `getState()` returns the same object until then (React's useSyncExternalStore needs it).
 * @param {(error: unknown) => void} reportError
 */
export function createStateStore(reportError) {
  /** @type {Session | null} */
  let session = null;
  /** @type {string | undefined} */
  let reason;
  /** @type {AuthState} */
  let snapshot = buildSnapshot(null, undefined);
  /** @type {Set<AuthListener>} */
  const listeners = new Set();

  /** @param {AuthEvent} event */
  function emit(event) {
    for (const listener of [...listeners]) {
      try {
        listener(snapshot, event);
      } catch (error) {
        // A faulty listener must not cut a sign-out or an adoption short; report it apart.
        reportError(error);
      }
    }
  }

  return {
    /** @returns {Session | null} */
    get session() {
      return session;
    },
    getState: () => snapshot,
    /**
     * @param {Session} next
     * @param {AuthEvent} event
     */
    setSession(next, event) {
      session = next;
      reason = undefined;
      snapshot = buildSnapshot(session, reason);
      emit(event);
    },
    /** @param {string} why */
    clear(why) {
      session = null;
      reason = why;
      snapshot = buildSnapshot(null, why);
      emit({ type: "signed_out", reason: why });
    },
    /** @param {AuthEvent} event Tell the listeners of something that left the state as it was. */
    notify(event) {
      emit(event);
    },
    /**
     * @param {AuthListener} listener
     * @returns {() => void}
     */
    subscribe(listener) {
      // A wrapper per subscription, so subscribing one function twice needs two unsubscribes.
      /** @type {AuthListener} */
      const entry = (state, event) => listener(state, event);
      listeners.add(entry);
      return () => void listeners.delete(entry);
    },
    clearListeners: () => listeners.clear(),
  };
}

/**
 * @param {Session | null} session
 * @param {string | undefined} reason
 * @returns {AuthState}
 */
function buildSnapshot(session, reason) {
  if (!session) {
    return Object.freeze({ status: "signed_out", expiresAt: null, refreshCount: 0, user: null, ...(reason && { reason }) });
  }
  const claims = decodeJwtPayload(session.access);
  return Object.freeze({
    status: "signed_in",
    expiresAt: expiresAt(session),
    refreshCount: session.refreshCount,
    user: claims ? deepFreeze(claims) : null,
  });
}

/**
 * @template {object} T
 * @param {T} value
 * @returns {Readonly<T>}
 */
function deepFreeze(value) {
  for (const child of Object.values(value)) {
    if (child !== null && typeof child === "object") deepFreeze(child);
  }
  return Object.freeze(value);
}
