/**
 * One refresh at a time across tabs where the Web Locks API is missing (pages on a non-secure
 * origin, such as http://192.168.1.10:5173): a lease written to localStorage.
 *
 * A tab writes `{ owner, until }`, waits a short random time, and reads the key again: only the
 * tab that finds its own name there goes on; the others wait until the holder removes the
 * lease (or it lapses, should the holder's tab close mid-refresh). The random wait lets the
 * writes of tabs that tried at the same moment reach each other, so that all agree on the last
 * one. Browsers do not promise how soon another tab sees a write, so two tabs can still, very
 * rarely, both win: the server's grace window (`rotation_grace_seconds`) covers that case.
 */

import { timeoutError } from "./errors.js";
import { sleep } from "./signals.js";

/** @typedef {import("./refresh-carrier.js").RefreshStore} RefreshStore */
/** @typedef {import("./signals.js").Clock} Clock */

/** How long a tab waits after writing before it reads the lease back (times 1 to 2, at random). */
export const SETTLE_MS = 40;
/** How often a waiting tab looks whether the lease is free again (times 0.5 to 1.5, at random). */
export const POLL_MS = 50;

/**
 * @typedef {object} LeaseOptions
 * @property {RefreshStore} storage
 * @property {string} key
 * @property {string} owner This tab's name, unique among the tabs.
 * @property {Clock} clock
 * @property {() => number} random
 * @property {number} holdMs How long a lease lasts if its holder never removes it.
 */

/**
 * Return a function that runs a task holding the lease.
 * @param {LeaseOptions} options
 * @returns {<T>(task: () => Promise<T>, how: { signal?: AbortSignal, waitMs: number }) => Promise<T>}
 */
export function storageLease({ storage, key, owner, clock, random, holdMs }) {
  /** @returns {{ owner: string, until: number } | null} */
  function read() {
    try {
      const lease = JSON.parse(storage.getItem(key) ?? "null");
      return typeof lease?.owner === "string" && typeof lease?.until === "number" ? lease : null;
    } catch {
      return null;
    }
  }

  const heldByOther = () => {
    const lease = read();
    return lease !== null && lease.owner !== owner && lease.until > clock.now();
  };

  function release() {
    if (read()?.owner === owner) storage.removeItem(key);
  }

  return async function runHoldingLease(task, { signal, waitMs }) {
    const giveUpAt = clock.now() + waitMs;
    for (;;) {
      while (heldByOther()) {
        if (clock.now() >= giveUpAt) throw timeoutError(waitMs);
        await sleep(clock, POLL_MS * (0.5 + random()), signal);
      }
      storage.setItem(key, JSON.stringify({ owner, until: clock.now() + holdMs }));
      await sleep(clock, SETTLE_MS * (1 + random()), signal);
      if (read()?.owner === owner) break;
    }
    try {
      return await task();
    } finally {
      release();
    }
  };
}
