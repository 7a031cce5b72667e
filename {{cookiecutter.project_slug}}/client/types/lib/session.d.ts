/**
 * @typedef {object} SessionContext
 * @property {number} refreshCount
 * @property {number} receivedAt
 * @property {string} sid The session to assume when the token names none.
 */
/**
 * Build a session from a token response. The lifetime is expires_in, else exp - iat: both
 * durations, so the local clock's offset from the server's never matters.
 * @param {any} body
 * @param {SessionContext} context
 * @returns {Session}
 */
export function sessionFromResponse(body: any, { refreshCount, receivedAt, sid }: SessionContext): Session;
/**
 * The session family the token names, or null when it names none (another server's token).
 * @param {string} access
 * @returns {string | null}
 */
export function sessionIdOf(access: string): string | null;
/**
 * @param {Session} session
 * @returns {number | null}
 */
export function expiresAt(session: Session): number | null;
/**
 * How long before expiry a refresh is due: `marginMs`, at most a quarter of the lifetime so
 * that short lifetimes still leave the token some use.
 * @param {Session} session
 * @param {number} marginMs
 * @returns {number}
 */
export function refreshMargin(session: Session, marginMs: number): number;
/**
 * When this tab refreshes: the margin before expiry, plus this tab's own share (`jitter`,
 * 0..1) of a fifth of the margin, so that tabs whose timers would fire together do not.
 * @param {Session} session
 * @param {number} marginMs
 * @param {number} jitter
 * @returns {number | null}
 */
export function refreshDueAt(session: Session, marginMs: number, jitter?: number): number | null;
/**
 * Until when a request may go out with this token rather than wait for a refresh: half the
 * margin before expiry, which leaves the request time to arrive before the token expires.
 * @param {Session} session
 * @param {number} marginMs
 * @returns {number | null}
 */
export function usableUntil(session: Session, marginMs: number): number | null;
/**
 * Holds the state listeners see: one frozen snapshot, rebuilt only when something changes,
 * so `getState()` returns the same object until then (React's useSyncExternalStore needs it).
 * @param {(error: unknown) => void} reportError
 */
export function createStateStore(reportError: (error: unknown) => void): {
    /** @returns {Session | null} */
    readonly session: Session | null;
    getState: () => AuthState;
    /**
     * @param {Session} next
     * @param {AuthEvent} event
     */
    setSession(next: Session, event: AuthEvent): void;
    /** @param {string} why */
    clear(why: string): void;
    /** @param {AuthEvent} event Tell the listeners of something that left the state as it was. */
    notify(event: AuthEvent): void;
    /**
     * @param {AuthListener} listener
     * @returns {() => void}
     */
    subscribe(listener: AuthListener): () => void;
    clearListeners: () => void;
};
export type SessionContext = {
    refreshCount: number;
    receivedAt: number;
    /**
     * The session to assume when the token names none.
     */
    sid: string;
};
export type Session = {
    access: string;
    /**
     * Local time (ms) the token arrived.
     */
    receivedAt: number;
    lifetimeMs: number | null;
    /**
     * Refreshes in this session, counted across tabs.
     */
    refreshCount: number;
    /**
     * The session this token belongs to: its family claim, else a nonce from sign-in.
     */
    sid: string;
};
export type AuthState = {
    status: "signed_in" | "signed_out";
    /**
     * Local time (ms) the access token expires; null if unknown or signed out.
     */
    expiresAt: number | null;
    /**
     * Refreshes in this session, counted across tabs.
     */
    refreshCount: number;
    /**
     * The access token's claims; null when signed out.
     */
    user: Readonly<Record<string, unknown>> | null;
    /**
     * Why the session ended: an API error code, "logout" or "logout_all".
     */
    reason?: string | undefined;
};
export type AuthEvent = {
    type: "signed_in" | "refreshed" | "refresh_failed" | "signed_out";
    /**
     * signed_out: why; refresh_failed: the error code.
     */
    reason?: string | undefined;
    /**
     * refresh_failed: when the next attempt is due.
     */
    retryInMs?: number | undefined;
};
export type AuthListener = (state: AuthState, event: AuthEvent) => void;
