/**
 * Browser client for the project's JWT API: the composition of the session state
 * (session.js), the tab protocol (tab-sync.js, lease.js) and the transport (transport.js).
 *
 * The access token lives in memory only. It is refreshed shortly before it expires, judged
 * by the local clock from the moment it arrived, and again when an API call is refused with
 * `token_not_valid`. One refresh at a time: within a tab by sharing one promise, across tabs
 * by a Web Lock (or, where there is none, a localStorage lease), and every tab adopts the
 * tokens another tab obtained, announced over a BroadcastChannel.
 */

import { AuthError, disposedError, errorCodeOf, errorFromResponse, isTransientStatus, meaningOf401 } from "./errors.js";
import { storageLease } from "./lease.js";
import { cookieCarrier, pendingLogoutNote, readDocumentCookie, safeStorage, storageCarrier } from "./refresh-carrier.js";
import { replayableRequest, withBearer } from "./replayable.js";
import { refreshSchedule } from "./schedule.js";
import { createStateStore, expiresAt, sessionFromResponse, usableUntil } from "./session.js";
import { abortable } from "./signals.js";
import { announcedRefresh, listen, openChannel, uncoordinated, webLockRunner } from "./tab-sync.js";
import {
  csrfTokens,
  defaultCredentials,
  jsonPost,
  mayCarryBearer,
  namespaceOf,
  resolveUrl,
  siteOf,
  timedFetch,
} from "./transport.js";

export { AuthError };

/** @typedef {"httponly_cookie" | "local_storage"} RefreshStorage */
/**
 * Where the API answers, resolved against baseUrl.
 * @typedef {object} Endpoints
 * @property {string} obtain Sign-in.
 * @property {string} refresh
 * @property {string} logout
 * @property {string} logoutAll
 * @property {string} logoutOthers
 * @property {string} sessions The caller's sessions: GET lists them, DELETE `<sessions><id>/` ends one.
 * @property {string} csrf Hands out a CSRF token (cookie mode, for pages that cannot read the API's cookies).
 */

/**
 * The project's answers (config.js): the defaults of index.js's createAuthClient.
 * @typedef {object} ProjectDefaults
 * @property {RefreshStorage} refreshStorage
 * @property {Readonly<Endpoints>} endpoints
 */
/** @typedef {import("./refresh-carrier.js").RefreshStore} RefreshStore */
/** @typedef {import("./tab-sync.js").LockManagerLike} LockManagerLike */
/** @typedef {import("./tab-sync.js").LockRunner} LockRunner */
/** @typedef {import("./tab-sync.js").TabMessage} TabMessage */
/** @typedef {import("./replayable.js").RequestBuilder} RequestBuilder */
/** @typedef {import("./replayable.js").ApiRequestInit} ApiRequestInit */
/** @typedef {import("./session.js").Session} Session */
/** @typedef {import("./session.js").AuthState} AuthState */
/** @typedef {import("./session.js").AuthEvent} AuthEvent */
/** @typedef {import("./session.js").AuthListener} AuthListener */

/**
 * @typedef {object} AuthClientOptions
 * @property {RefreshStorage} refreshStorage Where the refresh token lives; must match the server.
 * @property {string | URL} [baseUrl] The API's base URL; default: the page's own origin. Endpoints and
 *   relative apiFetch URLs resolve against it; the channel, lock and storage names derive from it.
 * @property {Endpoints} endpoints Every endpoint's path or URL; index.js fills them in from config.js.
 * @property {readonly string[]} [bearerOrigins] Other origins that may receive the access token.
 * @property {RequestCredentials} [credentials] For the token endpoints; default "same-origin", or
 *   "include" in httponly_cookie mode when baseUrl is another origin.
 * @property {number} [timeoutMs] Longest wait for a token endpoint's answer, and for the refresh lock. Default 15000.
 * @property {number} [marginMs] Refresh this long before expiry, at most a quarter of the lifetime. Default 60000.
 * @property {number} [peerWaitMs] How long restore() waits for another tab's tokens. Default 150.
 * @property {typeof fetch} [fetch]
 * @property {RefreshStore | null} [storage] Default globalThis.localStorage; null for none.
 * @property {string} [storageKey] Where local_storage mode keeps the refresh token. Default derived from baseUrl.
 * @property {string} [channelName] Prefix of the channel, lock and storage names. Default derived from baseUrl.
 * @property {() => number} [now] Default Date.now.
 * @property {(callback: () => void, ms: number) => any} [setTimeout]
 * @property {(handle: any) => void} [clearTimeout]
 * @property {() => number} [random] Default Math.random: this tab's jitter, lease waits, back-off.
 * @property {LockManagerLike | null} [locks] Default navigator.locks; null for none.
 * @property {(new (name: string) => BroadcastChannel) | null} [BroadcastChannel] null for none.
 * @property {EventTarget | null} [eventTarget] Receives both `visibilitychange` and `online`;
 *   default: document for the first and window for the second.
 * @property {() => boolean} [isVisible] Default: document.visibilityState !== "hidden".
 * @property {(name: string) => string | null} [getCookie] Default reads document.cookie.
 * @property {string} [csrfCookieName] Default "csrftoken".
 */

/**
 * One of the user's open sessions, as GET /api/auth/sessions/ lists it.
 * @typedef {object} SessionInfo
 * @property {string} id
 * @property {string} created_at
 * @property {string | null} last_used_at
 * @property {string | null} expires_at
 * @property {string} user_agent
 * @property {string | null} ip_address
 * @property {boolean} current True for the session of this client.
 */

/**
 * @typedef {object} AuthClient
 * @property {(credentials: { username: string, password: string }) => Promise<AuthState>} login
 *   Rejects with an AuthError (e.g. code "no_active_account", "throttled") and leaves the state alone.
 * @property {() => Promise<boolean>} logout End this session; resolves true if the server confirmed.
 *   Signs out locally and in every tab whatever the server says; one the server did not hear of
 *   is retried by the next restore(), and until then nothing signs this browser back in.
 * @property {() => Promise<boolean>} logoutAll Same, ending every session of the user.
 * @property {() => Promise<SessionInfo[]>} listSessions The user's open sessions, newest first.
 *   Rejects with an AuthError carrying the server's code when the answer is not 200.
 * @property {(id: string) => Promise<void>} endSession End one of the user's sessions (another device);
 *   rejects with an AuthError "session_not_found" for an id the user has no open session with.
 * @property {() => Promise<void>} logoutOthers End every session of the user but this one.
 * @property {(input: RequestInfo | URL, init?: ApiRequestInit) => Promise<Response>} apiFetch
 *   fetch with the access token. Resolves with the Response for every HTTP status; rejects only
 *   for a network error (a TypeError, or a transient AuthError when a refresh it needed failed),
 *   an abort, or an ended session (AuthError with the reason code).
 * @property {() => Promise<string | null>} getAccessToken The access token, refreshed first if due; null when signed out.
 * @property {() => Promise<AuthState>} restore Resume the session on page load: from another tab, else by a refresh.
 * @property {(listener: AuthListener) => () => void} subscribe Called on every change with (state, event); returns unsubscribe.
 * @property {() => AuthState} getState The same frozen object until something changes.
 * @property {() => void} dispose Stop timers, listeners, the channel and everything in flight.
 */

const MODES = ["httponly_cookie", "local_storage"];
/** @type {readonly (keyof Endpoints)[]} */
const ENDPOINT_NAMES = ["obtain", "refresh", "logout", "logoutAll", "logoutOthers", "sessions", "csrf"];
const noop = () => {};

/**
 * Create a client for one tab.
 * @param {AuthClientOptions} options
 * @returns {AuthClient}
 */
export function createAuthClient(options) {
  const config = resolveOptions(options);
  const clock = { now: config.now, setTimeout: config.setTimeout, clearTimeout: config.clearTimeout };
  const life = new AbortController(); // aborted by dispose(): everything in flight stops
  const storage = safeStorage(config.storage);
  // Decided once: the only branch between the two storage modes.
  const cookieMode = config.refreshStorage === "httponly_cookie";
  const carrier = cookieMode
    ? cookieCarrier(storage, `${config.namespace}.session`)
    : storageCarrier(requireStorage(storage), config.storageKey);
  const pendingLogout = pendingLogoutNote(storage, `${config.namespace}.logout`);
  const send = timedFetch({ fetch: config.fetch, clock, timeoutMs: config.timeoutMs, life: life.signal });
  const csrf = csrfTokens({
    getCookie: config.getCookie,
    cookieName: config.csrfCookieName,
    fetchToken: () => send(config.endpoints.csrf, { credentials: config.credentials, headers: { Accept: "application/json" } }),
  });
  const store = createStateStore(reportError);
  const channel = openChannel(config.BroadcastChannel, config.namespace, onMessage);
  const tabId = randomId();
  const runLocked = chooseLock();
  const peerRefresh = announcedRefresh();
  const schedule = refreshSchedule({
    clock,
    random: config.random,
    marginMs: config.marginMs,
    // This tab's place in the schedule (0..1): tabs whose timers would fire together do not.
    jitter: config.random(),
    onDue: () => recheck(),
  });

  /** Sessions that ended (signed out, or replaced by a new sign-in): news of them revives nothing. */
  const endedSessions = new Set();
  // Bumped when a session starts or ends, so a refresh answer that arrives later is dropped.
  let epoch = 0;
  /** @type {Promise<void> | null} */
  let inflight = null;
  /** @type {Promise<AuthState> | null} */
  let restoring = null;
  /** @type {string | null} The access token an API call was refused with: refresh before using it again. */
  let refusedToken = null;
  let disposed = false;

  const stopListening = [
    listen(config.visibilityTarget, "visibilitychange", () => config.isVisible() && recheck({ eager: true })),
    listen(config.onlineTarget, "online", () => recheck({ eager: true })),
  ];

  /** @returns {LockRunner} */
  function chooseLock() {
    if (config.locks) return webLockRunner(config.locks, `${config.namespace}:refresh`, clock);
    // A lease needs the channel too: the tab that waited learns the new tokens from it.
    if (!channel.available || !storage) return uncoordinated;
    const lease = storageLease({
      storage,
      key: `${config.namespace}.lease`,
      owner: tabId,
      clock,
      random: config.random,
      holdMs: config.timeoutMs + 1000,
    });
    return lease;
  }

  // --- Timing -------------------------------------------------------------------------

  /** @param {Session} session Whether this tab would refresh now. */
  function isDue(session) {
    return refusedToken === session.access || schedule.isDue(session);
  }

  /** @param {Session} session Whether a request must wait for a refresh rather than use this token. */
  function mustWaitForRefresh(session) {
    const until = usableUntil(session, config.marginMs);
    return refusedToken === session.access || (until !== null && config.now() >= until);
  }

  /** @param {Session} session */
  function isExpired(session) {
    const expiry = expiresAt(session);
    return refusedToken === session.access || (expiry !== null && config.now() >= expiry);
  }

  /**
   * Timers are only a hint (hidden tabs throttle or freeze them): the wall clock decides.
   * `eager` (the tab became visible, the network came back): a back-off need not be waited
   * out, a Retry-After still is.
   * @param {{ eager?: boolean }} [how]
   */
  function recheck({ eager = false } = {}) {
    const session = store.session;
    if (disposed || !session) return;
    if (schedule.pausedByServer) return schedule.arm(session);
    if (isDue(session) || (eager && schedule.retrying)) refresh(session.access).catch(noop);
    else schedule.arm(session);
  }

  /**
   * A transient refresh failure: try again later, and say when.
   * @param {unknown} error
   * @param {Session} session
   */
  function retryLater(error, session) {
    const retryInMs = schedule.backOff(error, session);
    store.notify({ type: "refresh_failed", reason: codeOf(error), retryInMs });
  }

  // --- Holding tokens -----------------------------------------------------------------

  /**
   * @param {Session} next
   * @param {string | undefined} refreshToken
   * @param {AuthEvent["type"]} type
   */
  function adopt(next, refreshToken, type) {
    carrier.save(refreshToken);
    refusedToken = null;
    schedule.reset();
    store.setSession(next, { type });
    schedule.arm(next);
  }

  /**
   * Adopt tokens the server just issued and tell the other tabs.
   * @param {any} body
   * @param {{ refreshCount: number, sid: string }} context
   */
  function startSession(body, context) {
    const previous = store.session;
    const next = sessionFromResponse(body, { ...context, receivedAt: config.now() });
    csrf.remember(body);
    if (previous && previous.sid !== next.sid) endedSessions.add(previous.sid);
    adopt(next, body.refresh, previous?.sid === next.sid ? "refreshed" : "signed_in");
    channel.post(tokensMessage(next, body.refresh));
  }

  /**
   * @param {string} why
   * @param {{ broadcast?: boolean }} [how]
   */
  function signOut(why, { broadcast = true } = {}) {
    const sid = store.session?.sid;
    epoch += 1;
    schedule.cancel();
    schedule.reset();
    refusedToken = null;
    carrier.clear();
    if (sid) endedSessions.add(sid);
    if (!sid && store.getState().reason === why) return; // nothing changed
    store.clear(why);
    if (broadcast && sid) channel.post({ type: "signed_out", sid, reason: why });
  }

  // --- Refreshing ---------------------------------------------------------------------

  /**
   * Refresh the access token; concurrent callers share the one refresh in flight.
   * @param {string | null} staleAccess The token the caller found wanting.
   * @returns {Promise<void>}
   */
  function refresh(staleAccess) {
    if (disposed) return Promise.reject(disposedError());
    inflight ??= refreshOnce(staleAccess).finally(() => {
      inflight = null;
    });
    return inflight;
  }

  /**
   * Refresh under the cross-tab lock. A network error, a time-out, a 5xx or a 429 rejects,
   * keeps the session and schedules a retry; any other 4xx means the session is over.
   * @param {string | null} staleAccess
   */
  async function refreshOnce(staleAccess) {
    const startEpoch = epoch;
    try {
      await runLocked(() => refreshHoldingLock(staleAccess, startEpoch), {
        signal: life.signal,
        waitMs: config.timeoutMs,
      });
    } catch (error) {
      if (disposed) throw disposedError();
      const session = store.session;
      if (epoch === startEpoch && session && isTransientFailure(error)) retryLater(error, session);
      throw error;
    }
  }

  /**
   * @param {string | null} staleAccess
   * @param {number} startEpoch
   */
  async function refreshHoldingLock(staleAccess, startEpoch) {
    await peerRefreshOutcome();
    if (disposed || epoch !== startEpoch) return; // signed out or in again meanwhile
    const session = store.session;
    // Another tab refreshed while we waited for the lock, and we adopted its tokens.
    if (session && session.access !== staleAccess && !isDue(session)) return;
    const sid = session?.sid ?? "";
    if (sid) channel.post({ type: "refreshing", sid });
    try {
      await requestTokens(startEpoch);
    } catch (error) {
      if (sid && !disposed) channel.post({ type: "refresh_failed", sid });
      throw error;
    }
  }

  /** @param {number} startEpoch */
  async function requestTokens(startEpoch) {
    const response = await withCsrfRetry((headers) => send(config.endpoints.refresh, jsonPost(carrier.body(), config.credentials, headers)));
    if (disposed || epoch !== startEpoch) return; // a logout or login overtook us: this answer is void
    if (response.ok) {
      const body = await response.json().catch(() => null);
      const session = store.session;
      startSession(body, { refreshCount: (session?.refreshCount ?? 0) + 1, sid: session?.sid ?? randomId() });
      return;
    }
    const error = await errorFromResponse(response);
    if (!error.transient) signOut(error.code);
    throw error;
  }

  /**
   * Send a request that cookie mode guards with a CSRF token; after a csrf_failed, fetch a
   * fresh token and send it once more.
   * @param {(headers: Record<string, string>) => Promise<Response>} sendWith
   */
  async function withCsrfRetry(sendWith) {
    if (!cookieMode) return sendWith({});
    const response = await sendWith(csrfHeader(await csrf.ensure()));
    if (response.status !== 403 || (await errorCodeOf(response)) !== "csrf_failed") return response;
    return sendWith(csrfHeader(await csrf.renew()));
  }

  /** Wait, at most peerWaitMs, for the outcome of a refresh another tab announced. */
  async function peerRefreshOutcome() {
    const outcome = peerRefresh.pending();
    if (!outcome) return;
    /** @type {any} */
    let wait;
    await Promise.race([outcome, new Promise((resolve) => (wait = config.setTimeout(() => resolve(undefined), config.peerWaitMs)))]);
    config.clearTimeout(wait);
    peerRefresh.conclude(); // arrived, or the tab died mid-refresh: either way stop waiting
  }

  // --- Requests -----------------------------------------------------------------------

  /**
   * The token to send a request with. A token still well within its life goes out at once,
   * even while a refresh is under way (which it may start); a due one waits for the refresh.
   * @param {AbortSignal | null} signal The caller's.
   * @returns {Promise<string | null>}
   */
  async function tokenForRequest(signal) {
    if (restoring) await abortable(restoring.catch(noop), signal);
    const session = store.session;
    if (!session) return null;
    if (!mustWaitForRefresh(session)) {
      if (!inflight && !schedule.retrying && isDue(session)) refresh(session.access).catch(noop);
      return session.access;
    }
    if (schedule.pausedByServer) {
      // The server asked for a pause (Retry-After): use the token while it lasts, else say why not.
      if (!isExpired(session)) return session.access;
      throw schedule.lastError;
    }
    try {
      await abortable(refresh(session.access), signal);
    } catch (error) {
      // A failed refresh stops the request only if the token in hand is no longer usable.
      const current = store.session;
      if (signal?.aborted || !current || isExpired(current)) throw error;
    }
    const current = store.session;
    if (!current) throw endedError();
    return current.access;
  }

  /**
   * Send a request with the access token; after a 401 token_not_valid, refresh and replay it
   * once. A 401 that says the session is over signs out; any other 401 is the application's.
   * @param {RequestBuilder} build
   * @param {AbortSignal | null} signal
   * @param {(input: RequestInfo | URL, init?: RequestInit) => Promise<Response>} [sendRequest]
   * @returns {Promise<Response>}
   */
  async function authorizedFetch(build, signal, sendRequest = config.fetch) {
    const token = await tokenForRequest(signal);
    const response = await sendRequest(...build(token));
    if (response.status !== 401 || token === null) return response;
    const meaning = meaningOf401(await errorCodeOf(response));
    if (meaning === "pass") return response;
    if (meaning === "end") return endSessionAfter(response, token);
    const next = await tokenAfterRefusal(token, signal);
    if (next === null || next === token) return response;
    const replay = await sendRequest(...build(next));
    if (replay.status === 401 && meaningOf401(await errorCodeOf(replay)) === "end") return endSessionAfter(replay, next);
    return replay;
  }

  /**
   * The token to replay a request with after it was refused with `refused`.
   * @param {string} refused
   * @param {AbortSignal | null} signal
   */
  async function tokenAfterRefusal(refused, signal) {
    // Only a refusal of the current token calls for a refresh; an older one was already replaced.
    if (store.session?.access === refused) {
      refusedToken = refused;
      await abortable(refresh(refused), signal);
    }
    const current = store.session;
    if (!current) throw endedError();
    return current.access;
  }

  /**
   * A 401 said the session is over: sign out (if it was this session) and reject.
   * @param {Response} response
   * @param {string} token
   * @returns {Promise<never>}
   */
  async function endSessionAfter(response, token) {
    const error = await errorFromResponse(response);
    if (store.session?.access === token) signOut(error.code);
    throw new AuthError(401, error.code, error.message, { transient: false });
  }

  function endedError() {
    const reason = store.getState().reason ?? "signed_out";
    return new AuthError(401, reason, "The session has ended.", { transient: false });
  }

  // --- Public operations --------------------------------------------------------------

  /** @type {AuthClient["apiFetch"]} */
  async function apiFetch(input, init) {
    if (disposed) throw disposedError();
    const target = input instanceof URL || typeof input === "string" ? resolveUrl(config.site, String(input)) : input;
    const request = await replayableRequest(target, init);
    if (!mayCarryBearer(config.site, config.bearerOrigins, request.url)) return config.fetch(...request.build(null));
    return authorizedFetch(request.build, request.signal);
  }

  /** @type {AuthClient["getAccessToken"]} */
  async function getAccessToken() {
    if (disposed) throw disposedError();
    if (restoring) await restoring.catch(noop);
    const session = store.session;
    if (!session) return null;
    if (!isDue(session) && !inflight) return session.access;
    try {
      await refresh(session.access);
    } catch (error) {
      const current = store.session;
      if (!current) return null;
      if (isExpired(current)) throw error;
    }
    return store.session?.access ?? null;
  }

  /** @type {AuthClient["login"]} */
  async function login(credentials) {
    if (disposed) throw disposedError();
    const response = await send(config.endpoints.obtain, jsonPost(credentials, config.credentials));
    if (!response.ok) throw await errorFromResponse(response);
    const body = await response.json().catch(() => null);
    if (disposed) throw disposedError();
    epoch += 1; // whatever a refresh still in flight returns belongs to the previous session
    pendingLogout.clear(); // signing in is the user's answer to a logout the server never heard of
    startSession(body, { refreshCount: 0, sid: randomId() });
    return store.getState();
  }

  /**
   * Tell the server, then sign out here and in every tab, whatever the server answered. The
   * logout is noted first and forgotten only once the server answered: a reload meanwhile, or
   * an unreachable server, leaves it for the next restore() to finish.
   * @param {string} url
   * @param {"logout" | "logout_all"} why
   * @param {() => object} body What the request carries: logout names its refresh token, logout-all nothing.
   */
  async function endSession(url, why, body) {
    if (disposed) throw disposedError();
    if (!store.session) return false;
    pendingLogout.save({ reason: why, ...(carrier.token() && { refresh: carrier.token() ?? undefined }) });
    let outcome = "unreachable";
    try {
      const response = await withCsrfRetry((headers) =>
        // Built per attempt: a refresh before the replay may rotate the refresh token.
        authorizedFetch((token) => [url, jsonPost(body(), config.credentials, withBearer(headers, token))], null, send),
      );
      outcome = response.ok ? "confirmed" : isTransientStatus(response.status) ? "unreachable" : "refused";
    } catch (error) {
      // An ended session needs no logout; an unreachable server is retried by the next restore().
      if (error instanceof AuthError && !error.transient) outcome = "refused";
    }
    if (disposed) return false;
    if (outcome !== "unreachable") pendingLogout.clear();
    signOut(why);
    return outcome === "confirmed";
  }

  /** @type {AuthClient["restore"]} */
  function restore() {
    if (disposed) return Promise.reject(disposedError());
    restoring ??= restoreSession().finally(() => {
      restoring = null;
    });
    return restoring;
  }

  async function restoreSession() {
    if (store.session) return store.getState();
    const pending = pendingLogout.read();
    if (pending) {
      await finishLogout(pending);
      return store.getState();
    }
    if (!carrier.mayHaveSession()) return store.getState(); // a first visit: no request, no news
    await askPeers();
    if (!store.session) {
      try {
        await refresh(null);
      } catch (error) {
        // A refused refresh simply means there is no session; only a transient failure is news.
        if (!(error instanceof AuthError) || error.transient) throw error;
      }
    }
    return store.getState();
  }

  /**
   * Finish a logout the server never confirmed: refresh (the server takes a logout only with
   * an access token), then log out, without ever signing in here.
   * @param {import("./refresh-carrier.js").PendingLogout} pending
   */
  async function finishLogout(pending) {
    const refreshBody = pending.refresh ? { refresh: pending.refresh } : carrier.body();
    let finished = false;
    try {
      const refreshed = await withCsrfRetry((headers) => send(config.endpoints.refresh, jsonPost(refreshBody, config.credentials, headers)));
      if (!refreshed.ok) {
        finished = !isTransientStatus(refreshed.status); // refused: the session is over anyway
      } else {
        const tokens = await refreshed.json();
        csrf.remember(tokens);
        const url = pending.reason === "logout_all" ? config.endpoints.logoutAll : config.endpoints.logout;
        const logoutBody = pending.reason === "logout_all" || cookieMode ? {} : { refresh: tokens.refresh ?? pending.refresh };
        const response = await withCsrfRetry((headers) =>
          send(url, jsonPost(logoutBody, config.credentials, withBearer(headers, tokens.access))),
        );
        finished = !isTransientStatus(response.status);
      }
    } catch {
      // Still unreachable: the note stays for the next page load.
    }
    if (disposed) return;
    if (finished) pendingLogout.clear();
    carrier.clear();
    signOut(pending.reason, { broadcast: false });
  }

  // --- Other tabs ---------------------------------------------------------------------

  /** Ask the other tabs for their tokens; settle once adopted, or after peerWaitMs. */
  function askPeers() {
    if (!channel.available) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        config.clearTimeout(wait);
        unsubscribe();
        life.signal.removeEventListener("abort", finish);
        resolve(undefined);
      };
      const unsubscribe = store.subscribe(() => store.session && finish());
      const wait = config.setTimeout(finish, config.peerWaitMs);
      life.signal.addEventListener("abort", finish);
      channel.post({ type: "token_request" });
    });
  }

  /** @param {TabMessage} message */
  function onMessage(message) {
    if (disposed) return;
    switch (message.type) {
      case "tokens":
        adoptPeerTokens(message);
        return peerRefresh.conclude();
      case "signed_out":
        peerRefresh.conclude();
        endedSessions.add(message.sid);
        if (store.session?.sid === message.sid) signOut(message.reason, { broadcast: false });
        return;
      case "refresh_failed":
        return peerRefresh.conclude();
      case "refreshing":
        if (!store.session || store.session.sid === message.sid) peerRefresh.begin();
        return;
      case "token_request": {
        const session = store.session;
        if (session && !isExpired(session)) channel.post(tokensMessage(session, undefined));
      }
    }
  }

  /** @param {import("./tab-sync.js").TokensMessage} message */
  function adoptPeerTokens(message) {
    if (endedSessions.has(message.sid) || pendingLogout.read()) return; // news of a session that is over
    const current = store.session;
    if (current?.sid === message.sid && message.receivedAt <= current.receivedAt) return; // stale news
    if (current && current.sid !== message.sid) {
      endedSessions.add(current.sid); // another tab signed in anew: this session is replaced
      epoch += 1;
    }
    const { sid, access, receivedAt, lifetimeMs, refreshCount } = message;
    const next = { sid, access, receivedAt, lifetimeMs: lifetimeMs ?? null, refreshCount: refreshCount ?? 0 };
    adopt(next, message.refresh, current?.sid === sid ? "refreshed" : "signed_in");
  }

  function dispose() {
    if (disposed) return;
    disposed = true;
    life.abort(disposedError());
    schedule.stop();
    for (const stop of stopListening) stop();
    channel.close();
    peerRefresh.conclude();
    store.clearListeners();
  }

  /**
   * Call a sessions endpoint with the access token; return the answer, or reject with the AuthError it carries.
   * @param {string} url
   * @param {ApiRequestInit} [init]
   */
  async function sessionsCall(url, init) {
    const response = await apiFetch(url, init);
    if (!response.ok) throw await errorFromResponse(response);
    return response;
  }

  /** @type {AuthClient["listSessions"]} */
  async function listSessions() {
    return (await sessionsCall(config.endpoints.sessions)).json();
  }

  /** @type {AuthClient["endSession"]} */
  async function endOneSession(id) {
    await sessionsCall(`${config.endpoints.sessions}${encodeURIComponent(id)}/`, { method: "DELETE" });
  }

  /** @type {AuthClient["logoutOthers"]} */
  async function logoutOthers() {
    await sessionsCall(config.endpoints.logoutOthers, { method: "POST", json: {} });
  }

  return {
    login,
    logout: () => endSession(config.endpoints.logout, "logout", carrier.body),
    // The server refuses any field here: the access token alone names the user.
    logoutAll: () => endSession(config.endpoints.logoutAll, "logout_all", () => ({})),
    listSessions,
    endSession: endOneSession,
    logoutOthers,
    apiFetch,
    getAccessToken,
    restore,
    subscribe: store.subscribe,
    getState: store.getState,
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
  const site = siteOf(options.baseUrl, globalThis.location);
  const endpoints = Object.fromEntries(ENDPOINT_NAMES.map((name) => [name, resolveUrl(site, requireEndpoint(options.endpoints, name))]));
  const namespace = options.channelName ?? namespaceOf(site);
  return {
    refreshStorage: options.refreshStorage,
    site,
    namespace,
    endpoints: /** @type {Endpoints} */ (endpoints),
    bearerOrigins: (options.bearerOrigins ?? []).map((origin) => new URL(origin).origin),
    credentials: options.credentials ?? defaultCredentials(site, options.refreshStorage),
    timeoutMs: options.timeoutMs ?? 15_000,
    marginMs: options.marginMs ?? 60_000,
    peerWaitMs: options.peerWaitMs ?? 150,
    fetch: options.fetch ?? /** @type {typeof fetch} */ ((input, init) => globalThis.fetch(input, init)),
    storage: orDefault(options.storage, defaultStorage()),
    storageKey: options.storageKey ?? `${namespace}.refresh`,
    now: options.now ?? Date.now,
    setTimeout: options.setTimeout ?? ((/** @type {() => void} */ callback, /** @type {number} */ ms) => globalThis.setTimeout(callback, ms)),
    clearTimeout: options.clearTimeout ?? ((/** @type {any} */ handle) => globalThis.clearTimeout(handle)),
    random: options.random ?? Math.random,
    locks: orDefault(options.locks, globalThis.navigator?.locks),
    BroadcastChannel: orDefault(options.BroadcastChannel, globalThis.BroadcastChannel),
    visibilityTarget: orDefault(options.eventTarget, globalThis.document),
    onlineTarget: orDefault(options.eventTarget, /** @type {EventTarget | undefined} */ (globalThis.window)),
    isVisible: options.isVisible ?? (() => globalThis.document?.visibilityState !== "hidden"),
    getCookie: options.getCookie ?? readDocumentCookie,
    csrfCookieName: options.csrfCookieName ?? "csrftoken",
  };
}

/**
 * @param {Partial<Endpoints> | undefined} endpoints
 * @param {keyof Endpoints} name
 * @returns {string}
 */
function requireEndpoint(endpoints, name) {
  const url = endpoints?.[name];
  if (typeof url !== "string" || !url) throw new TypeError(`endpoints.${name} is missing: pass the project's endpoints (index.js does)`);
  return url;
}

/** @returns {RefreshStore | null} localStorage, or null where reading it throws (sandboxed frames). */
function defaultStorage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/**
 * @param {RefreshStore | null} storage
 * @returns {RefreshStore}
 */
function requireStorage(storage) {
  if (!storage) throw new TypeError("local_storage mode needs web storage (localStorage or the storage option)");
  return storage;
}

/**
 * @param {string | null} token
 * @returns {Record<string, string>}
 */
function csrfHeader(token) {
  return token ? { "X-CSRFToken": token } : {};
}

/**
 * @param {unknown} error
 * @returns {boolean} Whether retrying later makes sense: no answer, or a transient one.
 */
function isTransientFailure(error) {
  return error instanceof TypeError || (error instanceof AuthError && error.transient);
}

/**
 * @param {unknown} error
 * @returns {string}
 */
function codeOf(error) {
  return error instanceof AuthError ? error.code : "network_error";
}

/**
 * A random id for this tab, or for a session whose tokens name none. getRandomValues, unlike
 * randomUUID, exists on non-secure origins too.
 * @returns {string}
 */
function randomId() {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
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
 * @param {Session} session
 * @param {string | undefined} refresh
 * @returns {TabMessage}
 */
function tokensMessage(session, refresh) {
  return { type: "tokens", ...session, ...(refresh && { refresh }) };
}
