/** The demo page: sign in, call /api/me/, and watch the access token refresh itself. */

import { createAuthClient } from "./index.js";

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`The demo page lacks #${id}`);
  return element;
}

// The server's actual setting, so the page always matches the API it talks to.
const refreshStorage = JSON.parse(byId("auth-config").textContent ?? "null");
const client = createAuthClient({ refreshStorage });
// For the browser tests and for poking around in the console.
/** @type {any} */ (window).authClient = client;

/** @param {import("./index.js").AuthState} state */
function render(state) {
  const signedIn = state.status === "signed_in";
  byId("status").textContent = state.status;
  // refresh_token_missing after restore() only means there was no session to resume.
  const news = state.reason && state.reason !== "refresh_token_missing";
  byId("reason").textContent = news ? `(${state.reason})` : "";
  byId("login-form").hidden = signedIn;
  byId("signed-in").hidden = !signedIn;
  byId("refresh-count").textContent = String(state.refreshCount);
  if (!signedIn) byId("me-output").textContent = "";
  renderCountdown();
}

function renderCountdown() {
  const { expiresAt } = client.getState();
  byId("countdown").textContent =
    expiresAt === null ? "–" : String(Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000)));
}

/** @param {unknown} error */
function showError(error) {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error ?? "");
  byId("error").textContent = "code" in Object(error) ? `${text} [${/** @type {any} */ (error).code}]` : text;
}

/**
 * Run a button's action, showing whatever goes wrong.
 * @param {() => Promise<unknown>} action
 */
async function attempt(action) {
  showError("");
  try {
    await action();
  } catch (error) {
    showError(error);
  }
}

async function signIn() {
  const username = /** @type {HTMLInputElement} */ (byId("username")).value;
  const password = /** @type {HTMLInputElement} */ (byId("password")).value;
  await client.login({ username, password });
  /** @type {HTMLInputElement} */ (byId("password")).value = "";
}

async function showMe() {
  const response = await client.apiFetch("/api/me/", { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => null);
  byId("me-output").textContent = JSON.stringify(body, null, 2);
  if (!response.ok) showError(`HTTP ${response.status}: ${body?.detail ?? response.statusText}`);
}

/** @param {() => Promise<boolean>} end */
async function signOut(end) {
  if (!(await end())) showError("The server did not confirm the logout; signed out here anyway.");
}

byId("storage-mode").textContent = refreshStorage;
byId("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  attempt(signIn);
});
byId("me-button").addEventListener("click", () => attempt(showMe));
byId("logout-button").addEventListener("click", () => attempt(() => signOut(client.logout)));
byId("logout-all-button").addEventListener("click", () => attempt(() => signOut(client.logoutAll)));

client.subscribe(render);
setInterval(renderCountdown, 1000);
attempt(client.restore).finally(() => render(client.getState()));
