/**
 * The tab protocol: what tabs of one browser tell each other over a BroadcastChannel, and how
 * they take turns to refresh (a Web Lock, else a localStorage lease, else nothing).
 *
 * Every message but "token_request" names the session (`sid`) it belongs to, so that news of
 * a session that has ended (signed out, or replaced by a new sign-in) revives nothing:
 *   { type: "tokens", sid, access, receivedAt, lifetimeMs, refreshCount, refresh? }
 *       after a sign-in or refresh, and in answer to "token_request"; `refresh` only in
 *       local_storage mode. Adopted when newer (receivedAt) than what the tab holds.
 *   { type: "signed_out", sid, reason }  after a logout or a refused refresh: the tabs of that session sign out.
 *   { type: "token_request" }            a new tab asks for the current tokens before refreshing.
 *   { type: "refreshing", sid }          a tab holding the lock is about to refresh; its outcome
 *       ("tokens", "signed_out" or "refresh_failed") follows. A tab that gets the lock while
 *       that outcome is still on its way waits for it (briefly) instead of refreshing again:
 *       lock grants and channel messages are not ordered with respect to each other.
 *   { type: "refresh_failed", sid }      the announced refresh failed transiently.
 */

import { timeoutError } from "./errors.js";
import { anySignal, timeoutSignal } from "./signals.js";

/** @typedef {import("./signals.js").Clock} Clock */

/**
 * @typedef {object} TokensMessage
 * @property {"tokens"} type
 * @property {string} sid
 * @property {string} access
 * @property {number} receivedAt
 * @property {number | null} lifetimeMs
 * @property {number} refreshCount
 * @property {string} [refresh]
 */

/**
 * @typedef {object} SignedOutMessage
 * @property {"signed_out"} type
 * @property {string} sid
 * @property {string} reason
 */

/**
 * @typedef {object} RefreshNewsMessage
 * @property {"refreshing" | "refresh_failed"} type
 * @property {string} sid
 */

/**
 * @typedef {object} TokenRequestMessage
 * @property {"token_request"} type
 */

/** @typedef {TokensMessage | SignedOutMessage | RefreshNewsMessage | TokenRequestMessage} TabMessage */

/**
 * @typedef {object} TabChannel
 * @property {boolean} available False when there is no BroadcastChannel: the tab is alone.
 * @property {(message: TabMessage) => void} post Send to every other tab (never to this one); a no-op once closed.
 * @property {() => void} close
 */

/**
 * The part of the Web Locks API the client uses.
 * @typedef {object} LockManagerLike
 * @property {(name: string, options: { signal?: AbortSignal }, callback: () => Promise<any>) => Promise<any>} request
 */

/**
 * Runs a task while holding the refresh lock; rejects with a "timeout" AuthError if the lock
 * is not granted within `waitMs`, or with the signal's reason if it aborts first.
 * @typedef {<T>(task: () => Promise<T>, how: { signal?: AbortSignal, waitMs: number }) => Promise<T>} LockRunner
 */

/**
 * Open a BroadcastChannel, or a silent stand-in when the constructor is missing. Messages
 * that are not the protocol's are dropped before `onMessage` sees them.
 * @param {(new (name: string) => BroadcastChannel) | null | undefined} Channel
 * @param {string} name
 * @param {(message: TabMessage) => void} onMessage
 * @returns {TabChannel}
 */
export function openChannel(Channel, name, onMessage) {
  if (typeof Channel !== "function") return { available: false, post() {}, close() {} };
  const channel = new Channel(name);
  let open = true;
  /** @param {MessageEvent} event */
  const listener = (event) => {
    const message = parseMessage(event.data);
    if (open && message) onMessage(message);
  };
  channel.addEventListener("message", listener);
  return {
    available: true,
    post(message) {
      if (open) channel.postMessage(message);
    },
    close() {
      if (!open) return;
      open = false;
      channel.removeEventListener("message", listener);
      channel.close();
    },
  };
}

/**
 * Return the message if it is one of the protocol's, well formed; else null.
 * @param {any} data
 * @returns {TabMessage | null}
 */
export function parseMessage(data) {
  const named = typeof data?.sid === "string" && data.sid !== "";
  switch (data?.type) {
    case "tokens":
      return named && typeof data.access === "string" && Number.isFinite(data.receivedAt) ? data : null;
    case "signed_out":
      return named && typeof data.reason === "string" ? data : null;
    case "refreshing":
    case "refresh_failed":
      return named ? data : null;
    case "token_request":
      return data;
    default:
      return null;
  }
}

/**
 * A runner for the Web Locks API: one tab at a time runs the task.
 * @param {LockManagerLike} locks
 * @param {string} name
 * @param {Clock} clock
 * @returns {LockRunner}
 */
export function webLockRunner(locks, name, clock) {
  return async (task, { signal, waitMs }) => {
    const wait = timeoutSignal(clock, waitMs, () => timeoutError(waitMs));
    try {
      return await locks.request(name, { signal: anySignal([signal, wait.signal]) }, () => {
        wait.cancel(); // granted: from here the task's own time-outs apply
        return task();
      });
    } finally {
      wait.cancel();
    }
  };
}

/** A runner for a tab that cannot coordinate with the others: it runs the task at once. */
/** @type {LockRunner} */
export const uncoordinated = (task) => task();

/**
 * @typedef {object} AnnouncedRefresh
 * @property {() => void} begin Another tab said it is refreshing.
 * @property {() => void} conclude Its outcome arrived (or the wait is over).
 * @property {() => Promise<void> | null} pending Settles with the outcome; null when none is awaited.
 */

/**
 * Tracks a refresh another tab announced ("refreshing") until its outcome arrives.
 * @returns {AnnouncedRefresh}
 */
export function announcedRefresh() {
  /** @type {{ promise: Promise<void>, resolve: () => void } | null} */
  let current = null;
  return {
    begin() {
      if (current) return;
      /** @type {() => void} */
      let resolve = () => {};
      const promise = new Promise((settle) => (resolve = () => settle(undefined)));
      current = { promise, resolve };
    },
    conclude() {
      current?.resolve();
      current = null;
    },
    pending: () => current?.promise ?? null,
  };
}

/**
 * Listen for an event if the target exists; return the function that stops listening.
 * @param {EventTarget | null | undefined} target
 * @param {string} type
 * @param {() => void} listener
 * @returns {() => void}
 */
export function listen(target, type, listener) {
  if (typeof target?.addEventListener !== "function") return () => {};
  target.addEventListener(type, listener);
  return () => target.removeEventListener(type, listener);
}
