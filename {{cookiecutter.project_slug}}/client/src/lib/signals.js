/** Small helpers for cancellation with AbortSignal, on the injectable clock. */

/**
 * A signal that aborts when any of `signals` does (AbortSignal.any where the platform has it).
 * @param {(AbortSignal | null | undefined)[]} signals
 * @returns {AbortSignal}
 */
export function anySignal(signals) {
  const present = /** @type {AbortSignal[]} */ (signals.filter(Boolean));
  if (typeof AbortSignal.any === "function") return AbortSignal.any(present);
  const controller = new AbortController();
  for (const signal of present) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener("abort", () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}

/**
 * Wait for `promise`, or reject with the signal's reason as soon as it aborts.
 * @template T
 * @param {Promise<T>} promise
 * @param {AbortSignal | null | undefined} signal
 * @returns {Promise<T>}
 */
export function abortable(promise, signal) {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

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
export function sleep(clock, ms, signal) {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

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
export function timeoutSignal(clock, ms, reason) {
  const controller = new AbortController();
  const handle = clock.setTimeout(() => controller.abort(reason()), ms);
  return { signal: controller.signal, cancel: () => clock.clearTimeout(handle) };
}
