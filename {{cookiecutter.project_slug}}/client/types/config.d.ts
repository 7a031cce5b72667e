/** @type {import("./lib/auth-client.js").ProjectDefaults} */
export const projectDefaults: import("./lib/auth-client.js").ProjectDefaults;
