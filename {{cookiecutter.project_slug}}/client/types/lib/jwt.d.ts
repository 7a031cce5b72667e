/** Reading (never verifying) a JWT: the client only needs its timing claims; the server verifies. */
/**
 * Return the decoded payload of a JWT, or null if it is not one.
 * @param {string} token
 * @returns {Record<string, unknown> | null}
 */
export function decodeJwtPayload(token: string): Record<string, unknown> | null;
/**
 * Return the token's lifetime in ms from its own claims, exp - iat, or null if it lacks them.
 * Both are server timestamps, so their difference is right whatever the local clock says;
 * exp alone must never be compared with the local clock.
 * @param {string} token
 * @returns {number | null}
 */
export function jwtLifetimeMs(token: string): number | null;
