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
export function openChannel(Channel: (new (name: string) => BroadcastChannel) | null | undefined, name: string, onMessage: (message: TabMessage) => void): TabChannel;
/**
 * Return the message if it is one of the protocol's, well formed; else null.
 * @param {any} data
 * @returns {TabMessage | null}
 */
export function parseMessage(data: any): TabMessage | null;
/**
 * A runner for the Web Locks API: one tab at a time runs the task.
 * @param {LockManagerLike} locks
 * @param {string} name
 * @param {Clock} clock
 * @returns {LockRunner}
 */
export function webLockRunner(locks: LockManagerLike, name: string, clock: Clock): LockRunner;
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
export function announcedRefresh(): AnnouncedRefresh;
/**
 * Listen for an event if the target exists; return the function that stops listening.
 * @param {EventTarget | null | undefined} target
 * @param {string} type
 * @param {() => void} listener
 * @returns {() => void}
 */
export function listen(target: EventTarget | null | undefined, type: string, listener: () => void): () => void;
/** A runner for a tab that cannot coordinate with the others: it runs the task at once. */
/** @type {LockRunner} */
export const uncoordinated: LockRunner;
export type Clock = import("./signals.js").Clock;
export type TokensMessage = {
    type: "tokens";
    sid: string;
    access: string;
    receivedAt: number;
    lifetimeMs: number | null;
    refreshCount: number;
    refresh?: string | undefined;
};
export type SignedOutMessage = {
    type: "signed_out";
    sid: string;
    reason: string;
};
export type RefreshNewsMessage = {
    type: "refreshing" | "refresh_failed";
    sid: string;
};
export type TokenRequestMessage = {
    type: "token_request";
};
export type TabMessage = TokensMessage | SignedOutMessage | RefreshNewsMessage | TokenRequestMessage;
export type TabChannel = {
    /**
     * False when there is no BroadcastChannel: the tab is alone.
     */
    available: boolean;
    /**
     * Send to every other tab (never to this one); a no-op once closed.
     */
    post: (message: TabMessage) => void;
    close: () => void;
};
/**
 * The part of the Web Locks API the client uses.
 */
export type LockManagerLike = {
    request: (name: string, options: {
        signal?: AbortSignal;
    }, callback: () => Promise<any>) => Promise<any>;
};
/**
 * Runs a task while holding the refresh lock; rejects with a "timeout" AuthError if the lock
 * is not granted within `waitMs`, or with the signal's reason if it aborts first.
 */
export type LockRunner = <T>(task: () => Promise<T>, how: {
    signal?: AbortSignal;
    waitMs: number;
}) => Promise<T>;
export type AnnouncedRefresh = {
    /**
     * Another tab said it is refreshing.
     */
    begin: () => void;
    /**
     * Its outcome arrived (or the wait is over).
     */
    conclude: () => void;
    /**
     * Settles with the outcome; null when none is awaited.
     */
    pending: () => Promise<void> | null;
};
