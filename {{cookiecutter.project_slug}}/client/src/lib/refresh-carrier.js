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
export function safeStorage(storage) {
  if (!storage) return null;
  return {
    getItem(key) {
      try {
        return storage.getItem(key);
      } catch {
        return null;
      }
    },
    setItem(key, value) {
      try {
        storage.setItem(key, value);
      } catch {
        // Storage refused (quota, privacy mode): the note is lost, nothing more.
      }
    },
    removeItem(key) {
      try {
        storage.removeItem(key);
      } catch {
        // As above.
      }
    },
  };
}

/**
 * httponly_cookie mode: the browser holds the token in a cookie the page cannot see, so only
 * a marker that a session exists is kept (set on sign-in, removed on sign-out): without it
 * restore() makes no request. Without storage the client cannot know, and asks the server.
 * @param {RefreshStore | null} storage
 * @param {string} markerKey
 * @returns {RefreshCarrier}
 */
export function cookieCarrier(storage, markerKey) {
  return {
    body: () => ({}),
    token: () => null,
    save() {
      storage?.setItem(markerKey, "1");
    },
    clear() {
      storage?.removeItem(markerKey);
    },
    mayHaveSession: () => storage === null || storage.getItem(markerKey) !== null,
  };
}

/**
 * local_storage mode: the token sits in web storage, shared by every tab of the origin, and
 * travels in request bodies. It is read at each use, so a rotation by another tab is seen.
 * @param {RefreshStore} storage
 * @param {string} key
 * @returns {RefreshCarrier}
 */
export function storageCarrier(storage, key) {
  const read = () => storage.getItem(key);
  return {
    body: () => ({ refresh: read() ?? "" }),
    token: read,
    save(refresh) {
      if (refresh) storage.setItem(key, refresh);
    },
    clear: () => storage.removeItem(key),
    mayHaveSession: () => read() !== null,
  };
}

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
export function pendingLogoutNote(storage, key) {
  return {
    /** @returns {PendingLogout | null} */
    read() {
      try {
        const note = JSON.parse(storage?.getItem(key) ?? "null");
        return note?.reason === "logout" || note?.reason === "logout_all" ? note : null;
      } catch {
        return null;
      }
    },
    /** @param {PendingLogout} note */
    save(note) {
      storage?.setItem(key, JSON.stringify(note));
    },
    clear() {
      storage?.removeItem(key);
    },
  };
}

/**
 * Read a cookie visible to scripts (not HttpOnly) from document.cookie.
 * @param {string} name
 * @returns {string | null}
 */
export function readDocumentCookie(name) {
  const cookies = globalThis.document?.cookie ?? "";
  for (const pair of cookies.split(";")) {
    const separator = pair.indexOf("=");
    if (separator !== -1 && pair.slice(0, separator).trim() === name) {
      return decodeURIComponent(pair.slice(separator + 1).trim());
    }
  }
  return null;
}
