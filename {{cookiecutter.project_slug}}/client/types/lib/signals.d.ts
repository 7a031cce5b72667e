/** Small helpers for cancellation with AbortSignal, on the injectable clock. */
/**
 * A signal that aborts when any of `signals` does (AbortSignal.any where the platform has it).
 * @param {(AbortSignal | null | undefined)[]} signals
 * @returns {AbortSignal}
 */
export function anySignal(signals: (AbortSignal | null | undefined)[]): AbortSignal;
/**
 * Wait for `promise`, or reject with the signal's reason as soon as it aborts.
 * @template T
 * @param {Promise<T>} promise
 * @param {AbortSignal | null | undefined} signal
 * @returns {Promise<T>}
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | null | undefined): Promise<T>;
/**
 * @typedef {object} Clock
 * @property {() => number} now
 * @property {(callback: () => void, ms: number) => any} setTimeout
 * @property {(handle: any) => void} clearTimeout
 */
/**
 * Resolve after `ms` on the given clock; reject with the signal's reason if it aborts first.
 * @param {Clock} clock
 * @param {number} ms
 * @param {AbortSignal} [signal]
 * @returns {Promise<void>}
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void>;
/**
 * @typedef {object} Countdown
 * @property {AbortSignal} signal
 * @property {() => void} cancel
 */
/**
 * A signal that aborts with `reason()` after `ms` on the given clock; `cancel` stops the countdown.
 * @param {Clock} clock
 * @param {number} ms
 * @param {() => unknown} reason
 * @returns {Countdown}
 */
export function timeoutSignal(clock: Clock, ms: number, reason: () => unknown): Countdown;
export type Clock = {
    now: () => number;
    setTimeout: (callback: () => void, ms: number) => any;
    clearTimeout: (handle: any) => void;
};
export type Countdown = {
    signal: AbortSignal;
    cancel: () => void;
};
