/** Reading (never verifying) a JWT: the client only needs its timing claims; the server verifies. */

/**
 * Return the decoded payload of a JWT, or null if it is not one.
 * @param {string} token
 * @returns {Record<string, unknown> | null}
 */
export function decodeJwtPayload(token) {
  const part = typeof token === "string" ? token.split(".")[1] : undefined;
  if (!part) return null;
  try {
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const payload = JSON.parse(new TextDecoder().decode(bytes));
    return payload !== null && typeof payload === "object" ? payload : null;
  } catch {
    return null;
  }
}

/**
 * Return the token's lifetime in ms from its own claims, exp - iat, or null if it lacks them.
 * Both are server timestamps, so their difference is right whatever the local clock says;
 * exp alone must never be compared with the local clock.
 * @param {string} token
 * @returns {number | null}
 */
export function jwtLifetimeMs(token) {
  const payload = decodeJwtPayload(token);
  const exp = payload?.exp;
  const iat = payload?.iat;
  return typeof exp === "number" && typeof iat === "number" && exp > iat ? (exp - iat) * 1000 : null;
}
