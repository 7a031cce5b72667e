// Written by cookiecutter from the project's answers; options passed to createAuthClient override it.
/** @type {import("./lib/auth-client.js").ProjectDefaults} */
export const projectDefaults = Object.freeze({
  refreshStorage: "{{ cookiecutter.refresh_token_storage }}",
  endpoints: Object.freeze({
    obtain: "/api/token/",
    refresh: "/api/token/refresh/",
    logout: "/api/auth/logout/",
    logoutAll: "/api/auth/logout-all/",
    logoutOthers: "/api/auth/logout-others/",
    sessions: "/api/auth/sessions/",
    csrf: "/api/auth/csrf/",
  }),
});
