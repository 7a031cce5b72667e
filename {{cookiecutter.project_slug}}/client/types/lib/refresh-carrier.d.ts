/**
 * What a tab keeps in web storage: in local_storage mode the refresh token (the one place
 * the two storage modes differ), and in both modes two non-secret notes: that this browser
 * has a session (so a first visit makes no request), and that a logout still has to reach
 * the server (so a reload does not sign the user back in).
 */
/** @typedef {Pick<Storage, "getItem" | "setItem" | "removeItem">} RefreshStore */
/**
 * @typedef {object} RefreshCarrier
 * @property {() => Record<string, string>} body JSON body of a refresh or logout request.
 * @property {() => string | null} token The refresh token the page holds, if it can hold one.
 * @property {(refresh: string | undefined) => void} save Keep a newly issued refresh token (cookie mode: note the session).
 * @property {() => void} clear Forget the refresh token.
 * @property {() => boolean} mayHaveSession False when a refresh is certain to fail, or needless.
 */
/**
 * Web storage that never throws: a private window or a full quota must not break sign-in.
 * Null when there is no storage at all.
 * @param {RefreshStore | null | undefined} storage
 * @returns {RefreshStore | null}
 */
export function safeStorage(storage: RefreshStore | null | undefined): RefreshStore | null;
/**
 * httponly_cookie mode: the browser holds the token in a cookie the page cannot see, so only
 * a marker that a session exists is kept (set on sign-in, removed on sign-out): without it
 * restore() makes no request. Without storage the client cannot know, and asks the server.
 * @param {RefreshStore | null} storage
 * @param {string} markerKey
 * @returns {RefreshCarrier}
 */
export function cookieCarrier(storage: RefreshStore | null, markerKey: string): RefreshCarrier;
/**
 * local_storage mode: the token sits in web storage, shared by every tab of the origin, and
 * travels in request bodies. It is read at each use, so a rotation by another tab is seen.
 * @param {RefreshStore} storage
 * @param {string} key
 * @returns {RefreshCarrier}
 */
export function storageCarrier(storage: RefreshStore, key: string): RefreshCarrier;
/**
 * @typedef {object} PendingLogout
 * @property {"logout" | "logout_all"} reason
 * @property {string} [refresh] local_storage mode: the refresh token the logout must name.
 */
/**
 * A logout the server has not confirmed yet, kept until it does (or the session is over).
 * @param {RefreshStore | null} storage
 * @param {string} key
 */
export function pendingLogoutNote(storage: RefreshStore | null, key: string): {
    /** @returns {PendingLogout | null} */
    read(): PendingLogout | null;
    /** @param {PendingLogout} note */
    save(note: PendingLogout): void;
    clear(): void;
};
/**
 * Read a cookie visible to scripts (not HttpOnly) from document.cookie.
 * @param {string} name
 * @returns {string | null}
 */
export function readDocumentCookie(name: string): string | null;
export type RefreshStore = Pick<Storage, "getItem" | "setItem" | "removeItem">;
export type RefreshCarrier = {
    /**
     * JSON body of a refresh or logout request.
     */
    body: () => Record<string, string>;
    /**
     * The refresh token the page holds, if it can hold one.
     */
    token: () => string | null;
    /**
     * Keep a newly issued refresh token (cookie mode: note the session).
     */
    save: (refresh: string | undefined) => void;
    /**
     * Forget the refresh token.
     */
    clear: () => void;
    /**
     * False when a refresh is certain to fail, or needless.
     */
    mayHaveSession: () => boolean;
};
export type PendingLogout = {
    reason: "logout" | "logout_all";
    /**
     * local_storage mode: the refresh token the logout must name.
     */
    refresh?: string | undefined;
};
