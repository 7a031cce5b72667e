/** Cross-tab plumbing that degrades to single-tab behaviour where the browser lacks it. */

/**
 * @typedef {object} TabChannel
 * @property {boolean} available False when there is no BroadcastChannel: the tab is alone.
 * @property {(message: object) => void} post Send to every other tab (never to this one).
 * @property {() => void} close
 */

/** @typedef {{ request: (name: string, callback: () => Promise<any>) => Promise<any> }} LockManagerLike */

/**
 * Open a BroadcastChannel, or a silent stand-in when the constructor is missing.
 * @param {(new (name: string) => BroadcastChannel) | null | undefined} Channel
 * @param {string} name
 * @param {(message: any) => void} onMessage
 * @returns {TabChannel}
 */
export function openChannel(Channel, name, onMessage) {
  if (typeof Channel !== "function") return { available: false, post() {}, close() {} };
  const channel = new Channel(name);
  /** @param {MessageEvent} event */
  const listener = (event) => onMessage(event.data);
  channel.addEventListener("message", listener);
  return {
    available: true,
    post: (message) => channel.postMessage(message),
    close() {
      channel.removeEventListener("message", listener);
      channel.close();
    },
  };
}

/**
 * Return a function that runs a task holding the named Web Lock, so one tab at a time runs it.
 * Without the Web Locks API tasks run at once; the caller's own single-flight still holds.
 * @param {LockManagerLike | null | undefined} locks
 * @param {string} name
 * @returns {<T>(task: () => Promise<T>) => Promise<T>}
 */
export function lockRunner(locks, name) {
  return locks ? (task) => locks.request(name, task) : (task) => task();
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
