/** The client as a Svelte store (the store contract; also what Svelte 5's `fromStore` takes). */

/** @typedef {import("./session.js").AuthState} AuthState */
/** @typedef {import("./session.js").AuthListener} AuthListener */

/**
 * @typedef {object} StateSource
 * @property {(listener: AuthListener) => () => void} subscribe
 * @property {() => AuthState} getState
 */

/**
 * @typedef {object} Readable A Svelte store of the state.
 * @property {(run: (state: AuthState) => void) => () => void} subscribe
 */

/**
 * Svelte's store contract calls a subscriber at once with the current value, which the
 * client's `subscribe` does not: this adds that first call.
 * @param {StateSource} client
 * @returns {Readable}
 */
export function readableState(client) {
  return {
    subscribe(run) {
      run(client.getState());
      return client.subscribe((state) => run(state));
    },
  };
}
