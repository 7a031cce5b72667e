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
export function storageLease({ storage, key, owner, clock, random, holdMs }: LeaseOptions): <T>(task: () => Promise<T>, how: {
    signal?: AbortSignal;
    waitMs: number;
}) => Promise<T>;
/** @typedef {import("./refresh-carrier.js").RefreshStore} RefreshStore */
/** @typedef {import("./signals.js").Clock} Clock */
/** How long a tab waits after writing before it reads the lease back (times 1 to 2, at random). */
export const SETTLE_MS: 40;
/** How often a waiting tab looks whether the lease is free again (times 0.5 to 1.5, at random). */
export const POLL_MS: 50;
export type LeaseOptions = {
    storage: RefreshStore;
    key: string;
    /**
     * This tab's name, unique among the tabs.
     */
    owner: string;
    clock: Clock;
    random: () => number;
    /**
     * How long a lease lasts if its holder never removes it.
     */
    holdMs: number;
};
export type RefreshStore = import("./refresh-carrier.js").RefreshStore;
export type Clock = import("./signals.js").Clock;
