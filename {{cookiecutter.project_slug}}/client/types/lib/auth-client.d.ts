/**
 * Create a client for one tab.
 * @param {AuthClientOptions} options
 * @returns {AuthClient}
 */
export function createAuthClient(options: AuthClientOptions): AuthClient;
export { AuthError };
export type RefreshStorage = "httponly_cookie" | "local_storage";
/**
 * Where the API answers, resolved against baseUrl.
 */
export type Endpoints = {
    /**
     * Sign-in.
     */
    obtain: string;
    refresh: string;
    logout: string;
    logoutAll: string;
    logoutOthers: string;
    /**
     * The caller's sessions: GET lists them, DELETE `<sessions><id>/` ends one.
     */
    sessions: string;
    /**
     * Hands out a CSRF token (cookie mode, for pages that cannot read the API's cookies).
     */
    csrf: string;
};
/**
 * The project's answers (config.js): the defaults of index.js's createAuthClient.
 */
export type ProjectDefaults = {
    refreshStorage: RefreshStorage;
    endpoints: Readonly<Endpoints>;
};
export type RefreshStore = import("./refresh-carrier.js").RefreshStore;
export type LockManagerLike = import("./tab-sync.js").LockManagerLike;
export type LockRunner = import("./tab-sync.js").LockRunner;
export type TabMessage = import("./tab-sync.js").TabMessage;
export type RequestBuilder = import("./replayable.js").RequestBuilder;
export type ApiRequestInit = import("./replayable.js").ApiRequestInit;
export type Session = import("./session.js").Session;
export type AuthState = import("./session.js").AuthState;
export type AuthEvent = import("./session.js").AuthEvent;
export type AuthListener = import("./session.js").AuthListener;
export type AuthClientOptions = {
    /**
     * Where the refresh token lives; must match the server.
     */
    refreshStorage: RefreshStorage;
    /**
     * The API's base URL; default: the page's own origin. Endpoints and
     * relative apiFetch URLs resolve against it; the channel, lock and storage names derive from it.
     */
    baseUrl?: string | URL | undefined;
    /**
     * Every endpoint's path or URL; index.js fills them in from config.js.
     */
    endpoints: Endpoints;
    /**
     * Other origins that may receive the access token.
     */
    bearerOrigins?: readonly string[] | undefined;
    /**
     * For the token endpoints; default "same-origin", or
     * "include" in httponly_cookie mode when baseUrl is another origin.
     */
    credentials?: RequestCredentials | undefined;
    /**
     * Longest wait for a token endpoint's answer, and for the refresh lock. Default 15000.
     */
    timeoutMs?: number | undefined;
    /**
     * Refresh this long before expiry, at most a quarter of the lifetime. Default 60000.
     */
    marginMs?: number | undefined;
    /**
     * How long restore() waits for another tab's tokens. Default 150.
     */
    peerWaitMs?: number | undefined;
    fetch?: typeof fetch | undefined;
    /**
     * Default globalThis.localStorage; null for none.
     */
    storage?: Pick<Storage, "getItem" | "removeItem" | "setItem"> | null | undefined;
    /**
     * Where local_storage mode keeps the refresh token. Default derived from baseUrl.
     */
    storageKey?: string | undefined;
    /**
     * Prefix of the channel, lock and storage names. Default derived from baseUrl.
     */
    channelName?: string | undefined;
    /**
     * Default Date.now.
     */
    now?: (() => number) | undefined;
    setTimeout?: ((callback: () => void, ms: number) => any) | undefined;
    clearTimeout?: ((handle: any) => void) | undefined;
    /**
     * Default Math.random: this tab's jitter, lease waits, back-off.
     */
    random?: (() => number) | undefined;
    /**
     * Default navigator.locks; null for none.
     */
    locks?: import("./tab-sync.js").LockManagerLike | null | undefined;
    /**
     * null for none.
     */
    BroadcastChannel?: (new (name: string) => BroadcastChannel) | null | undefined;
    /**
     * Receives both `visibilitychange` and `online`;
     * default: document for the first and window for the second.
     */
    eventTarget?: EventTarget | null | undefined;
    /**
     * Default: document.visibilityState !== "hidden".
     */
    isVisible?: (() => boolean) | undefined;
    /**
     * Default reads document.cookie.
     */
    getCookie?: ((name: string) => string | null) | undefined;
    /**
     * Default "csrftoken".
     */
    csrfCookieName?: string | undefined;
};
/**
 * One of the user's open sessions, as GET /api/auth/sessions/ lists it.
 */
export type SessionInfo = {
    id: string;
    created_at: string;
    last_used_at: string | null;
    expires_at: string | null;
    user_agent: string;
    ip_address: string | null;
    /**
     * True for the session of this client.
     */
    current: boolean;
};
export type AuthClient = {
    /**
     *   Rejects with an AuthError (e.g. code "no_active_account", "throttled") and leaves the state alone.
     */
    login: (credentials: {
        username: string;
        password: string;
    }) => Promise<AuthState>;
    /**
     * End this session; resolves true if the server confirmed.
     * Signs out locally and in every tab whatever the server says; one the server did not hear of
     * is retried by the next restore(), and until then nothing signs this browser back in.
     */
    logout: () => Promise<boolean>;
    /**
     * Same, ending every session of the user.
     */
    logoutAll: () => Promise<boolean>;
    /**
     * The user's open sessions, newest first.
     * Rejects with an AuthError carrying the server's code when the answer is not 200.
     */
    listSessions: () => Promise<SessionInfo[]>;
    /**
     * End one of the user's sessions (another device);
     * rejects with an AuthError "session_not_found" for an id the user has no open session with.
     */
    endSession: (id: string) => Promise<void>;
    /**
     * End every session of the user but this one.
     */
    logoutOthers: () => Promise<void>;
    /**
     *   fetch with the access token. Resolves with the Response for every HTTP status; rejects only
     *   for a network error (a TypeError, or a transient AuthError when a refresh it needed failed),
     *   an abort, or an ended session (AuthError with the reason code).
     */
    apiFetch: (input: RequestInfo | URL, init?: ApiRequestInit) => Promise<Response>;
    /**
     * The access token, refreshed first if due; null when signed out.
     */
    getAccessToken: () => Promise<string | null>;
    /**
     * Resume the session on page load: from another tab, else by a refresh.
     */
    restore: () => Promise<AuthState>;
    /**
     * Called on every change with (state, event); returns unsubscribe.
     */
    subscribe: (listener: AuthListener) => () => void;
    /**
     * The same frozen object until something changes.
     */
    getState: () => AuthState;
    /**
     * Stop timers, listeners, the channel and everything in flight.
     */
    dispose: () => void;
};
import { AuthError } from "./errors.js";
