/**
 * @typedef {object} ScheduleOptions
 * @property {Clock} clock
 * @property {() => number} random
 * @property {number} marginMs
 * @property {number} jitter This tab's share (0..1) of the schedule's spread.
 * @property {() => void} onDue Called when the timer fires.
 */
/** @param {ScheduleOptions} options */
export function refreshSchedule({ clock, random, marginMs, jitter, onDue }: ScheduleOptions): {
    dueAt: (session: Session) => number | null;
    arm: (session: Session | null) => void;
    /** @param {Session} session Whether the timer would refresh now. */
    isDue(session: Session): boolean;
    /** Whether a refresh failed and another attempt is scheduled. */
    readonly retrying: boolean;
    /** Whether the server asked for a pause (Retry-After) that is not over yet. */
    readonly pausedByServer: boolean;
    /** The error of the last failed attempt, if the schedule is backing off. */
    readonly lastError: unknown;
    /**
     * A refresh failed transiently: schedule the next attempt; return how long until it.
     * @param {unknown} error
     * @param {Session} session
     */
    backOff(error: unknown, session: Session): number;
    /** Back on time: after a success, a new session or a sign-out. */
    reset(): void;
    cancel: () => void;
    stop(): void;
};
/** The longest back-off between two attempts. */
export const MAX_BACKOFF_MS: 30000;
export type ScheduleOptions = {
    clock: Clock;
    random: () => number;
    marginMs: number;
    /**
     * This tab's share (0..1) of the schedule's spread.
     */
    jitter: number;
    /**
     * Called when the timer fires.
     */
    onDue: () => void;
};
export type Session = import("./session.js").Session;
export type Clock = import("./signals.js").Clock;
