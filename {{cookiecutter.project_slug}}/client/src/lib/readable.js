/** The client as a Svelte store (the store contract; also what Svelte 5's `fromStore` takes). */

/** @typedef {import("./session.js").AuthState} AuthState */
/** @typedef {import("./session.js").AuthListener} AuthListener */

/**
 * Svelte's store contract calls a subscriber at once with the current value, which the
 * client's `subscribe` does not: this adds that first call.
 * @param {{ subscribe: (listener: AuthListener) => () => void, getState: () => AuthState }} client
 * @returns {{ subscribe: (run: (state: AuthState) => void) => () => void }}
 */
export function readableState(client) {
  return {
    subscribe(run) {
      run(client.getState());
      return client.subscribe((state) => run(state));
    },
  };
}
