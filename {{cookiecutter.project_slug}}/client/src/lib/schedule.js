/**
 * When this tab refreshes next: on time (a margin before expiry, plus the tab's own jitter),
 * or, after a failed refresh, at a back-off that doubles with each failure and never comes
 * before the server's Retry-After.
 */

import { AuthError } from "./errors.js";
import { refreshDueAt, refreshMargin } from "./session.js";

/** @typedef {import("./session.js").Session} Session */
/** @typedef {import("./signals.js").Clock} Clock */

// Browsers fire longer timeouts at once; a later re-check reschedules anyway.
const MAX_TIMER_MS = 2 ** 31 - 1;
/** The longest back-off between two attempts. */
export const MAX_BACKOFF_MS = 30_000;

/**
 * @typedef {object} ScheduleOptions
 * @property {Clock} clock
 * @property {() => number} random
 * @property {number} marginMs
 * @property {number} jitter This tab's share (0..1) of the schedule's spread.
 * @property {() => void} onDue Called when the timer fires.
 */

/** @param {ScheduleOptions} options */
export function refreshSchedule({ clock, random, marginMs, jitter, onDue }) {
  /** @type {any} */
  let timer;
  let failures = 0;
  /** @type {number | null} */
  let retryAt = null;
  let notBefore = 0;
  /** @type {unknown} */
  let lastError = null;
  let stopped = false;

  /** @param {Session} session */
  const dueAt = (session) => retryAt ?? refreshDueAt(session, marginMs, jitter);

  /** @param {Session | null} session Set the timer for this session's next refresh (none without a session). */
  function arm(session) {
    clock.clearTimeout(timer);
    const due = session && dueAt(session);
    if (stopped || due == null) return;
    timer = clock.setTimeout(onDue, Math.min(Math.max(due - clock.now(), 0), MAX_TIMER_MS));
  }

  return {
    dueAt,
    arm,
    /** @param {Session} session Whether the timer would refresh now. */
    isDue(session) {
      const due = dueAt(session);
      return due !== null && clock.now() >= due;
    },
    /** Whether a refresh failed and another attempt is scheduled. */
    get retrying() {
      return retryAt !== null;
    },
    /** Whether the server asked for a pause (Retry-After) that is not over yet. */
    get pausedByServer() {
      return clock.now() < notBefore;
    },
    /** The error of the last failed attempt, if the schedule is backing off. */
    get lastError() {
      return lastError;
    },
    /**
     * A refresh failed transiently: schedule the next attempt; return how long until it.
     * @param {unknown} error
     * @param {Session} session
     */
    backOff(error, session) {
      const retryAfterMs = error instanceof AuthError && error.retryAfter !== null ? error.retryAfter * 1000 : 0;
      // From a third of the margin (at most a second), doubling with each failure.
      const base = Math.max(100, Math.min(1000, refreshMargin(session, marginMs) / 3));
      const backoff = Math.min(MAX_BACKOFF_MS, base * 2 ** failures) * (0.5 + random() / 2);
      const delay = Math.round(Math.max(retryAfterMs, backoff));
      failures += 1;
      lastError = error;
      retryAt = clock.now() + delay;
      notBefore = clock.now() + retryAfterMs;
      arm(session);
      return delay;
    },
    /** Back on time: after a success, a new session or a sign-out. */
    reset() {
      failures = 0;
      retryAt = null;
      notBefore = 0;
      lastError = null;
    },
    cancel: () => clock.clearTimeout(timer),
    stop() {
      stopped = true;
      clock.clearTimeout(timer);
    },
  };
}
