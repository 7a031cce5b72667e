"""Tabs of one browser on the demo page, and what they did.

with chromium(tmp_path / "profile") as context:
    first, second = open_tabs(context, server.url, 2)  # signed in through the form
    first.click_me()
"""

import base64
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tests.support import PASSWORD

# The demo client's defaults (client/src/lib/auth-client.js).
REFRESH_PATH = "/api/token/refresh/"
STORAGE_KEY = "auth.refresh"
READABLE_BY_SCRIPTS = """() => [
    document.cookie,
    ...Object.entries(localStorage).flat(),
    ...Object.entries(sessionStorage).flat(),
]"""


def jwt_claims(token: str) -> dict:
    """Return a JWT's payload, unverified (the tests only read its timing and type)."""
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@dataclass(frozen=True)
class ApiCall:
    """A request a tab made to /api/ and the answer it got, as the page saw them."""

    method: str
    path: str
    status: int
    bearer: str | None
    started_at: float  # seconds since the epoch, by the browser's real clock (not the page's)


class Tab:
    """One tab of the demo page, recording every API answer it receives."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.calls: list[ApiCall] = []
        page.on("response", self._record)

    def _record(self, response) -> None:
        path = urlsplit(response.url).path
        if not path.startswith("/api/"):
            return
        request = response.request
        authorization = request.headers.get("authorization", "")
        bearer = authorization.removeprefix("Bearer ") if authorization.startswith("Bearer ") else None
        started_at = request.timing["startTime"] / 1000
        self.calls.append(ApiCall(request.method, path, response.status, bearer, started_at))

    # --- Driving the page -------------------------------------------------------------

    def open(self, path: str = "/") -> "Tab":
        """Load the page and wait until the client has restored (or not) a session."""
        self.page.goto(f"{self.base_url}{path}")
        self.page.wait_for_function("window.authClient && document.getElementById('status').textContent !== ''")
        return self

    def sign_in(self, username: str = "alice", password: str = PASSWORD) -> "Tab":
        """Sign in through the demo page's form."""
        self.page.fill("#username", username)
        self.page.fill("#password", password)
        self.page.click("#login-button")
        self.wait_for_status("signed_in")
        return self

    def click_me(self, timeout_ms: float = 10_000) -> dict:
        """Click "GET /api/me/" and return the JSON the page shows; fail on any error it shows."""
        if self.status() != "signed_in":
            raise AssertionError(f"signed out {self.page.text_content('#reason')} before the click")
        self.page.evaluate("document.getElementById('me-output').textContent = ''")
        self.page.click("#me-button", timeout=timeout_ms)
        self.page.wait_for_function(
            "document.getElementById('me-output').textContent !== '' || document.getElementById('error').textContent",
            timeout=timeout_ms,
        )
        error = self.page.text_content("#error")
        if error:
            raise AssertionError(f"the page shows an error: {error}")
        return json.loads(self.page.text_content("#me-output"))

    def api_fetch(self, path: str) -> int:
        """Call window.authClient.apiFetch(path) and return the final status."""
        return self.page.evaluate("async (path) => (await window.authClient.apiFetch(path)).status", path)

    def wait_for_status(self, status: str, timeout_ms: float = 10_000) -> None:
        self.page.wait_for_function(
            "(status) => document.getElementById('status').textContent === status", arg=status, timeout=timeout_ms
        )

    def set_visibility(self, state: str) -> None:
        """Make the page "hidden" or "visible", as a tab switch or a lid opening would."""
        self.page.evaluate(
            """(state) => {
                Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
                Object.defineProperty(document, "hidden", { configurable: true, get: () => state === "hidden" });
                document.dispatchEvent(new Event("visibilitychange"));
            }""",
            state,
        )

    def sleep(self, seconds: float) -> None:
        """Suspend the tab like a laptop lid: timers stand still while the wall clock jumps ahead.

        Needs page.clock.install() before the page loaded. On resume, timers still wait out
        what was left of their delay (monotonic time stops in suspend), while Date.now() has
        moved on by `seconds`; page.clock.resume() lets time flow again.
        """
        from playwright.sync_api import Error

        # The page's clock runs on while we ask: pause a moment ahead, further ahead if that
        # moment passed before the request arrived ("Cannot fast-forward to the past").
        for ahead in (0.05, 0.25, 0.5, 1.0):
            paused_at = self.page.evaluate("Date.now()") / 1000 + ahead
            try:
                self.page.clock.pause_at(paused_at)
                break
            except Error as error:
                if "past" not in str(error):
                    raise
        else:
            raise AssertionError("could not pause the page's clock")
        self.page.clock.set_system_time(paused_at + seconds)

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path), full_page=True)

    # --- What the page shows and holds --------------------------------------------------

    def status(self) -> str:
        return self.page.text_content("#status")

    def login_form_visible(self) -> bool:
        return self.page.is_visible("#login-form")

    def refresh_count(self) -> int:
        return int(self.page.text_content("#refresh-count"))

    def watch_statuses(self) -> None:
        """Start recording every state the client emits (see seen_statuses)."""
        # A function that returns nothing: Playwright calls the value of an expression when
        # it is a function, and subscribe() returns the function that unsubscribes.
        self.page.evaluate(
            """() => {
                window.__statuses = [];
                window.authClient.subscribe((state) => window.__statuses.push(state.status));
            }"""
        )

    def seen_statuses(self) -> list[str]:
        """Return the statuses emitted since watch_statuses()."""
        return self.page.evaluate("window.__statuses")

    def web_storage(self) -> dict:
        """Return what page scripts can read: document.cookie, localStorage, sessionStorage."""
        return self.page.evaluate(
            """() => ({
                cookie: document.cookie,
                local: Object.fromEntries(Object.entries(localStorage)),
                session: Object.fromEntries(Object.entries(sessionStorage)),
            })"""
        )

    def readable_by_scripts(self) -> list[str]:
        """Return every value this page's scripts can read: its cookies and web storage."""
        return self.page.evaluate(READABLE_BY_SCRIPTS)

    def calls_to(self, path: str, method: str | None = None) -> list[ApiCall]:
        return [call for call in self.calls if call.path == path and (method is None or call.method == method)]

    def refused(self) -> list[ApiCall]:
        """Return the 401 answers this tab got from /api/me/ and the refresh endpoint."""
        return [call for call in self.calls if call.status == 401 and call.path in {"/api/me/", REFRESH_PATH}]


def new_tab(context, base_url: str, *, install_clock: bool = False) -> Tab:
    """Open the demo page in a new tab; with install_clock, under a clock the test controls (Tab.sleep)."""
    page = context.new_page()
    if install_clock:
        page.clock.install()
    return Tab(page, base_url).open()


def open_tabs(context, base_url: str, count: int, *, sign_in: bool = True) -> list[Tab]:
    """Open `count` tabs of the demo page; the first signs in through the form, the rest restore from it."""
    first = new_tab(context, base_url)
    if sign_in:
        first.sign_in()
    tabs = [first]
    for _ in range(count - 1):
        tab = new_tab(context, base_url)
        if sign_in:
            tab.wait_for_status("signed_in")
        tabs.append(tab)
    return tabs


def refresh_cookie(context, base_url: str) -> dict | None:
    """Return the refresh-token cookie the browser holds (HttpOnly ones included), or None."""
    cookies = context.cookies(f"{base_url}{REFRESH_PATH}")
    return next((cookie for cookie in cookies if cookie["name"].endswith("refresh_token")), None)


def held_refresh_token(context, tab: Tab) -> str | None:
    """Return the refresh token this browser holds, in either storage mode."""
    cookie = refresh_cookie(context, tab.base_url)
    return cookie["value"] if cookie else tab.web_storage()["local"].get(STORAGE_KEY)


def readable_by_scripts_at(context, base_url: str, path: str) -> list[str]:
    """Return every value scripts of a page at `path` can read, from a tab opened there for it.

    A page under the refresh cookie's path would see that cookie unless it is HttpOnly.
    """
    page = context.new_page()
    try:
        page.goto(f"{base_url}{path}")
        return page.evaluate(READABLE_BY_SCRIPTS)
    finally:
        page.close()


def while_browsing(page, work, poll_ms: float = 20):
    """Run `work()` in a thread while the browser keeps running, and return what it returns.

    Playwright's sync API serves route handlers and event callbacks only while the test's
    thread is inside one of its calls: a test that blocks (stopping a server, say) would
    hold every intercepted request until it is done. This keeps the browser going meanwhile.
    """
    outcome = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # re-raised in the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    while thread.is_alive():
        page.wait_for_timeout(poll_ms)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
