/** The demo page: sign in, call /api/me/, watch the access token refresh itself, and end sessions. */

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
  if (!signedIn) byId("sessions").replaceChildren();
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

/**
 * One line of the sessions list: where and when, "this session" or a button to end it.
 * @param {import("./lib/auth-client.js").SessionInfo} session
 */
function sessionItem(session) {
  const item = document.createElement("li");
  item.dataset.sessionId = session.id;
  const label = document.createElement("span");
  const device = session.user_agent || "unknown device";
  const lastUsed = new Date(session.last_used_at ?? session.created_at).toLocaleString();
  label.append(`${device} · ${session.ip_address ?? "unknown address"} `);
  label.append(Object.assign(document.createElement("small"), { textContent: `last used ${lastUsed}` }));
  item.append(label);
  if (session.current) {
    item.dataset.current = "";
    item.append(Object.assign(document.createElement("strong"), { textContent: "this session" }));
  } else {
    const end = Object.assign(document.createElement("button"), {
      type: "button",
      className: "secondary end-session-button",
      textContent: "End",
    });
    end.addEventListener("click", () => attempt(() => endOtherSession(session.id)));
    item.append(end);
  }
  return item;
}

// Answers may arrive out of order (sign-in and a click at once): only the latest request's is shown.
let sessionsRequest = 0;

async function showSessions() {
  const request = ++sessionsRequest;
  const sessions = await client.listSessions();
  if (request !== sessionsRequest || client.getState().status !== "signed_in") return;
  byId("sessions").replaceChildren(...sessions.map(sessionItem));
}

/** @param {string} id */
async function endOtherSession(id) {
  await client.endSession(id);
  await showSessions();
}

async function logoutOthers() {
  await client.logoutOthers();
  await showSessions();
}

byId("storage-mode").textContent = refreshStorage;
byId("login-form").addEventListener("submit", (event) => {
  event.preventDefault();
  attempt(signIn);
});
byId("me-button").addEventListener("click", () => attempt(showMe));
byId("logout-button").addEventListener("click", () => attempt(() => signOut(client.logout)));
byId("logout-all-button").addEventListener("click", () => attempt(() => signOut(client.logoutAll)));
byId("logout-others-button").addEventListener("click", () => attempt(logoutOthers));

client.subscribe(render);
// A new session here (this tab or another signed in) changes the list; refreshes do not.
client.subscribe((state, event) => {
  if (event.type === "signed_in") attempt(showSessions);
});
setInterval(renderCountdown, 1000);
attempt(client.restore).finally(() => render(client.getState()));
