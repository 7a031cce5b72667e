/**
 * Where the refresh token lives, and so what refresh and logout requests must carry: the one
 * place the two storage modes differ.
 */

/**
 * @typedef {object} RefreshCarrier
 * @property {() => Record<string, string>} body JSON body of a refresh or logout request.
 * @property {() => Record<string, string>} headers Extra headers of a refresh or logout request.
 * @property {(refresh: string | undefined) => void} save Keep a newly issued refresh token.
 * @property {() => void} clear Forget the refresh token.
 * @property {() => boolean} mayHaveSession False when a refresh is certain to fail.
 */

/** @typedef {Pick<Storage, "getItem" | "setItem" | "removeItem">} RefreshStore */

/**
 * httponly_cookie mode: the browser holds the token in a cookie the page cannot see, so
 * there is nothing to keep; requests echo the CSRF cookie, as the server demands of
 * anything authenticated by a cookie.
 * @param {(name: string) => string | null} getCookie
 * @param {string} csrfCookieName
 * @returns {RefreshCarrier}
 */
export function cookieCarrier(getCookie, csrfCookieName) {
  return {
    body: () => ({}),
    headers() {
      const csrfToken = getCookie(csrfCookieName);
      return csrfToken ? { "X-CSRFToken": csrfToken } : {};
    },
    save() {},
    clear() {},
    // Only the server can tell whether the HttpOnly cookie exists.
    mayHaveSession: () => true,
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
    headers: () => ({}),
    save(refresh) {
      if (refresh) storage.setItem(key, refresh);
    },
    clear: () => storage.removeItem(key),
    mayHaveSession: () => read() !== null,
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
