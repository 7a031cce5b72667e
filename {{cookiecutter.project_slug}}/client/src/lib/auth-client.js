/**
 * Browser client for the project's JWT API.
 *
 * The access token lives in memory only. It is refreshed shortly before it expires, judged
 * by the local clock from the moment it arrived (never by comparing the token's `exp` with
 * the local clock), and again whenever a request is refused with 401. One refresh at a time:
 * within a tab by sharing one promise, across tabs by a Web Lock, and every tab adopts the
 * tokens another tab obtained, announced over a BroadcastChannel.
 *
 * Cross-tab messages (plain objects, structured-clone safe):
 *   { type: "tokens", access, receivedAt, lifetimeMs, refreshCount, refresh? }
 *       after a login or refresh, and in answer to "token_request"; `refresh` only in
 *       local_storage mode. Adopted when newer (receivedAt) than what the tab holds.
 *   { type: "signed_out", reason }   after a logout or a refused refresh: every tab signs out.
 *   { type: "token_request" }        a new tab asks for the current tokens before refreshing.
 *   { type: "refreshing" }           a tab holding the lock is about to refresh; its outcome
 *       ("tokens", "signed_out" or "refresh_failed") follows. A tab that gets the lock while
 *       that outcome is still on its way waits for it (briefly) instead of refreshing again:
 *       lock grants and channel messages are not ordered with respect to each other.
 *   { type: "refresh_failed" }       the announced refresh failed transiently; others may retry.
 */

import { AuthError, errorFromResponse } from "./errors.js";
import { jwtLifetimeMs } from "./jwt.js";
import { cookieCarrier, readDocumentCookie, storageCarrier } from "./refresh-carrier.js";
import { replayableRequest, withBearer } from "./replayable.js";
import { listen, lockRunner, openChannel } from "./tab-sync.js";

export { AuthError };

/** @typedef {"httponly_cookie" | "local_storage"} RefreshStorage */
/** @typedef {{ obtain: string, refresh: string, logout: string, logoutAll: string }} Endpoints */
/** @typedef {import("./refresh-carrier.js").RefreshStore} RefreshStore */
/** @typedef {import("./tab-sync.js").LockManagerLike} LockManagerLike */
/** @typedef {import("./replayable.js").RequestBuilder} RequestBuilder */

/**
 * @typedef {object} AuthState
 * @property {"signed_in" | "signed_out"} status
 * @property {number | null} expiresAt Local time (ms) the access token expires; null if unknown or signed out.
 * @property {number} refreshCount Refreshes in this session, counted across tabs.
 * @property {string} [reason] Why the session ended: an API error code, "logout", "logout_all" or "other_tab".
 */

/** @typedef {(state: AuthState) => void} AuthListener */

/**
 * @typedef {object} AuthClientOptions
 * @property {RefreshStorage} refreshStorage Where the refresh token lives; must match the server.
 * @property {Partial<Endpoints>} [endpoints]
 * @property {typeof fetch} [fetch]
 * @property {RefreshStore} [storage] local_storage mode only; default globalThis.localStorage.
 * @property {string} [storageKey] Default "auth.refresh".
 * @property {() => number} [now] Default Date.now.
 * @property {(callback: () => void, ms: number) => any} [setTimeout]
 * @property {(handle: any) => void} [clearTimeout]
 * @property {LockManagerLike | null} [locks] Default navigator.locks; null for none.
 * @property {(new (name: string) => BroadcastChannel) | null} [BroadcastChannel] null for none.
 * @property {EventTarget | null} [eventTarget] Receives both `visibilitychange` and `online`;
 *   default: document for the first and window for the second.
 * @property {() => boolean} [isVisible] Default: document.visibilityState !== "hidden".
 * @property {(name: string) => string | null} [getCookie] Default reads document.cookie.
 * @property {RequestCredentials} [credentials] For the token endpoints; default "same-origin"
 *   ("include" when the API is on another origin).
 * @property {number} [marginMs] Refresh this long before expiry, at most a quarter of the lifetime. Default 60000.
 * @property {number} [peerWaitMs] How long restore() waits for another tab's tokens. Default 150.
 * @property {string} [csrfCookieName] Default "csrftoken".
 * @property {string} [channelName] BroadcastChannel and lock name prefix. Default "auth".
 */

/**
 * @typedef {object} AuthClient
 * @property {(credentials: { username: string, password: string }) => Promise<AuthState>} login
 *   Rejects with an AuthError (e.g. code "no_active_account") and leaves the state alone.
 * @property {() => Promise<boolean>} logout End this session; resolves true if the server confirmed.
 *   Signs out locally and in every tab whatever the server says.
 * @property {() => Promise<boolean>} logoutAll Same, ending every session of the user.
 * @property {(input: RequestInfo | URL, init?: RequestInit) => Promise<Response>} apiFetch
 *   fetch with the access token; a 401 leads to one refresh and one replay.
 * @property {() => Promise<AuthState>} restore Resume the session on page load: from another tab, else by a refresh.
 * @property {(listener: AuthListener) => () => void} subscribe Called on every change; returns unsubscribe.
 * @property {() => AuthState} getState
 * @property {() => void} dispose Stop timers and listeners and close the channel.
 */

/**
 * @typedef {object} Session
 * @property {string} access
 * @property {number} receivedAt Local time (ms) the token arrived.
 * @property {number | null} lifetimeMs
 * @property {number} refreshCount
 */

const MODES = ["httponly_cookie", "local_storage"];
// Browsers fire longer timeouts at once; a later re-check reschedules anyway.
const MAX_TIMER_MS = 2 ** 31 - 1;
const noop = () => {};

/**
 * Create a client for one tab.
 * @param {AuthClientOptions} options
 * @returns {AuthClient}
 */
export function createAuthClient(options) {
  const config = resolveOptions(options);
  // Decided once: the only branch between the two storage modes.
  const carrier =
    config.refreshStorage === "local_storage"
      ? storageCarrier(options.storage ?? globalThis.localStorage, config.storageKey)
      : cookieCarrier(config.getCookie, config.csrfCookieName);
  const withRefreshLock = lockRunner(config.locks, `${config.channelName}:refresh`);
  const peerRefresh = announcedRefresh();
  const channel = openChannel(config.BroadcastChannel, config.channelName, onMessage);

  /** @type {Session | null} */
  let session = null;
  /** @type {string | undefined} */
  let reason;
  // Bumped on login and sign-out, so a refresh answer that arrives later is dropped.
  let epoch = 0;
  /** @type {Promise<void> | null} */
  let inflight = null;
  /** @type {Promise<AuthState> | null} */
  let restoring = null;
  /** @type {any} */
  let timer;
  /** @type {Set<AuthListener>} */
  const listeners = new Set();

  const stopListening = [
    listen(config.visibilityTarget, "visibilitychange", () => config.isVisible() && recheck()),
    listen(config.onlineTarget, "online", recheck),
  ];

  /** @returns {AuthState} */
  function getState() {
    if (session) {
      return { status: "signed_in", expiresAt: expiresAt(session), refreshCount: session.refreshCount };
    }
    return { status: "signed_out", expiresAt: null, refreshCount: 0, ...(reason && { reason }) };
  }

  function emit() {
    const state = getState();
    for (const listener of [...listeners]) {
      try {
        listener(state);
      } catch (error) {
        // A faulty listener must not cut a sign-out or an adoption short; report it apart.
        reportError(error);
      }
    }
  }

  /** @param {AuthListener} listener */
  function subscribe(listener) {
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }

  // --- Timing -------------------------------------------------------------------------

  function needsRefresh() {
    const due = session && refreshDueAt(session, config.marginMs);
    return due != null && config.now() >= due;
  }

  function hasUsableToken() {
    const expiry = session && expiresAt(session);
    return session !== null && (expiry === null || config.now() < expiry);
  }

  function schedule() {
    config.clearTimeout(timer);
    const due = session && refreshDueAt(session, config.marginMs);
    if (due == null) return;
    const delay = Math.min(Math.max(due - config.now(), 0), MAX_TIMER_MS);
    timer = config.setTimeout(recheck, delay);
  }

  // Timers are only a hint (hidden tabs throttle or freeze them): the wall clock decides.
  function recheck() {
    if (needsRefresh()) refresh(session?.access ?? null).catch(noop);
    else schedule();
  }

  // --- Holding tokens -----------------------------------------------------------------

  /**
   * @param {Session} next
   * @param {string | undefined} refreshToken
   */
  function adopt(next, refreshToken) {
    carrier.save(refreshToken);
    session = next;
    reason = undefined;
    schedule();
    emit();
  }

  /**
   * Adopt tokens the server just issued and tell the other tabs.
   * @param {any} body
   * @param {number} refreshCount
   */
  function startSession(body, refreshCount) {
    const next = sessionFromResponse(body, refreshCount, config.now());
    adopt(next, body.refresh);
    channel.post(tokensMessage(next, body.refresh));
  }

  /**
   * @param {string} why
   * @param {{ broadcast?: boolean }} [how]
   */
  function signOut(why, { broadcast = true } = {}) {
    epoch += 1;
    session = null;
    reason = why;
    config.clearTimeout(timer);
    carrier.clear();
    emit();
    if (broadcast) channel.post({ type: "signed_out", reason: why });
  }

  // --- Refreshing ---------------------------------------------------------------------

  /**
   * Refresh the access token; concurrent callers share the one refresh in flight.
   * @param {string | null} staleAccess The token the caller found wanting.
   * @returns {Promise<void>}
   */
  function refresh(staleAccess) {
    inflight ??= refreshOnce(staleAccess).finally(() => {
      inflight = null;
    });
    return inflight;
  }

  /**
   * Refresh under the cross-tab lock. A network error, a 5xx or a 429 rejects and keeps the
   * session (worth retrying later); any other 4xx means the session is over.
   * @param {string | null} staleAccess
   */
  function refreshOnce(staleAccess) {
    const startEpoch = epoch;
    return withRefreshLock(async () => {
      await peerRefreshOutcome();
      if (epoch !== startEpoch) return; // signed out or in again meanwhile
      // Another tab refreshed while we waited for the lock, and we adopted its tokens.
      if (session && session.access !== staleAccess && !needsRefresh()) return;
      channel.post({ type: "refreshing" });
      try {
        await requestTokens(startEpoch);
      } catch (error) {
        channel.post({ type: "refresh_failed" });
        throw error;
      }
    });
  }

  /** @param {number} startEpoch */
  async function requestTokens(startEpoch) {
    const response = await config.fetch(config.endpoints.refresh, jsonPost(carrier.body(), carrier.headers()));
    if (epoch !== startEpoch) return; // a logout or login overtook us: this answer is void
    if (response.ok) return startSession(await response.json(), (session?.refreshCount ?? 0) + 1);
    const error = await errorFromResponse(response);
    if (!error.transient) signOut(error.code);
    throw error;
  }

  /**
   * Refresh first if the token is due, or if a refresh is already under way. A failed
   * refresh stops the request only if the token in hand is no longer usable.
   */
  async function refreshIfDue() {
    if (restoring) await restoring.catch(noop);
    if (!inflight && !needsRefresh()) return;
    try {
      await refresh(session?.access ?? null);
    } catch (error) {
      if (!hasUsableToken()) throw error;
    }
  }

  /**
   * The token to replay a request with after it was refused with `refused`; null if signed out.
   * @param {string} refused
   */
  async function tokenAfterRefusal(refused) {
    // Only a refusal of the current token calls for a refresh; an older one was already replaced.
    if (session?.access === refused) await refresh(refused);
    return session?.access ?? null;
  }

  /**
   * Send a request with the access token; after a 401, refresh and replay it once.
   * @param {RequestBuilder} build
   * @returns {Promise<Response>}
   */
  async function authorizedFetch(build) {
    await refreshIfDue();
    const token = session?.access ?? null;
    const response = await config.fetch(...build(token));
    if (response.status !== 401 || token === null) return response;
    const next = await tokenAfterRefusal(token);
    return next === null ? response : config.fetch(...build(next));
  }

  // --- Public operations --------------------------------------------------------------

  /** @type {AuthClient["apiFetch"]} */
  async function apiFetch(input, init) {
    return authorizedFetch(await replayableRequest(input, init));
  }

  /** @type {AuthClient["login"]} */
  async function login(credentials) {
    const response = await config.fetch(config.endpoints.obtain, jsonPost(credentials));
    if (!response.ok) throw await errorFromResponse(response);
    const body = await response.json();
    epoch += 1; // whatever a refresh still in flight returns belongs to the previous session
    startSession(body, 0);
    return getState();
  }

  /**
   * Tell the server, then sign out here and in every tab, whatever the server answered.
   * @param {string} url
   * @param {string} why
   * @param {() => object} body What the request carries: logout names its refresh token, logout-all nothing.
   */
  async function endSession(url, why, body) {
    let confirmed = false;
    try {
      if (session) {
        // Built per attempt: a refresh before the replay may rotate the refresh token.
        const response = await authorizedFetch((token) => [
          url,
          jsonPost(body(), withBearer(carrier.headers(), token)),
        ]);
        confirmed = response.ok;
      }
    } catch {
      // Unreachable server: the local sign-out below still matters most.
    }
    signOut(why);
    return confirmed;
  }

  /** @type {AuthClient["restore"]} */
  function restore() {
    restoring ??= restoreSession().finally(() => {
      restoring = null;
    });
    return restoring;
  }

  async function restoreSession() {
    if (session || !carrier.mayHaveSession()) return getState();
    await askPeers();
    if (!session) {
      try {
        await refresh(null);
      } catch (error) {
        // A refused refresh simply means there is no session; only a transient failure is news.
        if (!(error instanceof AuthError) || error.transient) throw error;
      }
    }
    return getState();
  }

  // --- Other tabs ---------------------------------------------------------------------

  /** Ask the other tabs for their tokens; settle once adopted, or after peerWaitMs. */
  function askPeers() {
    if (!channel.available) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        config.clearTimeout(wait);
        unsubscribe();
        resolve(undefined);
      };
      const unsubscribe = subscribe(() => session && finish());
      const wait = config.setTimeout(finish, config.peerWaitMs);
      channel.post({ type: "token_request" });
    });
  }

  /** @param {any} message */
  function onMessage(message) {
    switch (message?.type) {
      case "tokens":
        adoptPeerTokens(message);
        return peerRefresh.conclude();
      case "signed_out":
        peerRefresh.conclude();
        if (session) signOut("other_tab", { broadcast: false });
        return;
      case "refresh_failed":
        return peerRefresh.conclude();
      case "refreshing":
        return peerRefresh.begin();
      case "token_request":
        if (session && hasUsableToken()) channel.post(tokensMessage(session, undefined));
    }
  }

  /** Wait, at most peerWaitMs, for the outcome of a refresh another tab announced. */
  async function peerRefreshOutcome() {
    const outcome = peerRefresh.pending();
    if (!outcome) return;
    /** @type {any} */
    let wait;
    await Promise.race([outcome, new Promise((resolve) => (wait = config.setTimeout(resolve, config.peerWaitMs)))]);
    config.clearTimeout(wait);
    peerRefresh.conclude(); // arrived, or the tab died mid-refresh: either way stop waiting
  }

  /** @param {any} message */
  function adoptPeerTokens(message) {
    if (typeof message.access !== "string" || typeof message.receivedAt !== "number") return;
    if (session && message.receivedAt <= session.receivedAt) return; // stale news
    const { access, receivedAt, lifetimeMs, refreshCount } = message;
    adopt({ access, receivedAt, lifetimeMs: lifetimeMs ?? null, refreshCount: refreshCount ?? 0 }, message.refresh);
  }

  /**
   * A JSON POST to the API with the configured credentials.
   * @param {object} body
   * @param {HeadersInit} [headers]
   * @returns {RequestInit}
   */
  function jsonPost(body, headers = {}) {
    const allHeaders = new Headers(headers);
    allHeaders.set("Content-Type", "application/json");
    allHeaders.set("Accept", "application/json");
    return { method: "POST", credentials: config.credentials, headers: allHeaders, body: JSON.stringify(body) };
  }

  function dispose() {
    config.clearTimeout(timer);
    for (const stop of stopListening) stop();
    channel.close();
    listeners.clear();
  }

  return {
    login,
    logout: () => endSession(config.endpoints.logout, "logout", carrier.body),
    // The server refuses any field here: the access token alone names the user.
    logoutAll: () => endSession(config.endpoints.logoutAll, "logout_all", () => ({})),
    apiFetch,
    restore,
    subscribe,
    getState,
    dispose,
  };
}

/**
 * Fill in the defaults. `null` (unlike `undefined`) switches an optional browser feature off.
 * @param {AuthClientOptions} options
 */
function resolveOptions(options) {
  if (!MODES.includes(options?.refreshStorage)) {
    throw new TypeError(`refreshStorage must be one of ${MODES.join(", ")}, not ${JSON.stringify(options?.refreshStorage)}`);
  }
  const endpoints = {
    obtain: "/api/token/",
    refresh: "/api/token/refresh/",
    logout: "/api/auth/logout/",
    logoutAll: "/api/auth/logout-all/",
    ...options.endpoints,
  };
  return {
    refreshStorage: options.refreshStorage,
    endpoints,
    fetch: options.fetch ?? /** @type {typeof fetch} */ ((input, init) => globalThis.fetch(input, init)),
    storageKey: options.storageKey ?? "auth.refresh",
    now: options.now ?? Date.now,
    setTimeout: options.setTimeout ?? ((/** @type {() => void} */ callback, /** @type {number} */ ms) => globalThis.setTimeout(callback, ms)),
    clearTimeout: options.clearTimeout ?? ((/** @type {any} */ handle) => globalThis.clearTimeout(handle)),
    locks: orDefault(options.locks, globalThis.navigator?.locks),
    BroadcastChannel: orDefault(options.BroadcastChannel, globalThis.BroadcastChannel),
    visibilityTarget: orDefault(options.eventTarget, globalThis.document),
    onlineTarget: orDefault(options.eventTarget, /** @type {EventTarget | undefined} */ (globalThis.window)),
    isVisible: options.isVisible ?? (() => globalThis.document?.visibilityState !== "hidden"),
    getCookie: options.getCookie ?? readDocumentCookie,
    credentials: options.credentials ?? "same-origin",
    marginMs: options.marginMs ?? 60_000,
    peerWaitMs: options.peerWaitMs ?? 150,
    csrfCookieName: options.csrfCookieName ?? "csrftoken",
    channelName: options.channelName ?? "auth",
  };
}

/**
 * Report an error the way an uncaught one would be, without unwinding the caller.
 * @param {unknown} error
 */
function reportError(error) {
  if (typeof globalThis.reportError === "function") globalThis.reportError(error);
  else
    queueMicrotask(() => {
      throw error;
    });
}

/**
 * @template T
 * @param {T | undefined} value
 * @param {T} fallback
 * @returns {T}
 */
function orDefault(value, fallback) {
  return value === undefined ? fallback : value;
}

/**
 * Build a session from a token response. The lifetime is expires_in, else exp - iat: both
 * durations, so the local clock's offset from the server's never matters.
 * @param {any} body
 * @param {number} refreshCount
 * @param {number} receivedAt
 * @returns {Session}
 */
function sessionFromResponse(body, refreshCount, receivedAt) {
  if (typeof body?.access !== "string") throw new AuthError(200, "invalid_response", "The token response has no access token.");
  const lifetimeMs = typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in * 1000 : jwtLifetimeMs(body.access);
  return { access: body.access, receivedAt, lifetimeMs, refreshCount };
}

/**
 * @param {Session} session
 * @returns {number | null}
 */
function expiresAt(session) {
  return session.lifetimeMs === null ? null : session.receivedAt + session.lifetimeMs;
}

/**
 * When to refresh: a margin before expiry, at most a quarter of the lifetime so that short
 * lifetimes still leave the token some use.
 * @param {Session} session
 * @param {number} marginMs
 * @returns {number | null}
 */
function refreshDueAt(session, marginMs) {
  if (session.lifetimeMs === null) return null;
  return session.receivedAt + session.lifetimeMs - Math.min(marginMs, session.lifetimeMs / 4);
}

/**
 * Tracks a refresh another tab announced ("refreshing") until its outcome arrives.
 * @returns {{ begin(): void, conclude(): void, pending(): Promise<void> | null }}
 */
function announcedRefresh() {
  /** @type {{ promise: Promise<void>, resolve: () => void } | null} */
  let current = null;
  return {
    begin() {
      if (current) return;
      /** @type {() => void} */
      let resolve = noop;
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
 * @param {Session} session
 * @param {string | undefined} refresh
 */
function tokensMessage(session, refresh) {
  return { type: "tokens", ...session, ...(refresh && { refresh }) };
}
