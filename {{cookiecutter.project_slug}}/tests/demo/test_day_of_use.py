"""A simulated day of use in real Chromium: tabs, a flaky network, sleeps and server restarts.

One browser signs in once, in the first of several tabs of the demo page. Then every tab
calls the API at random (GETs, JSON and FormData POSTs) while access tokens expire every few
seconds, the network drops some requests (request interception), tabs hide and come back,
the machine sleeps (the page clock jumps hours past expiry; the server's clock does not) and
the server restarts. All day the user must never see the login screen nor a 401, every POST
must reach the server once or fail visibly, and each expiry costs one refresh. At night a
thief replays the refresh token copied at sign-in: reuse detection ends the session in every
tab. The user signs in again and logs out: every tab signs out, both tokens stop working.

`make test` runs a short day; the template's `make soak` bakes a project and runs a long one
(five tabs, 100 expiries). The knobs are environment variables, so a day can be longer or
rougher still:

    SOAK_TABS=5 SOAK_EXPIRIES=400 SOAK_SEED=7 pytest -s -m soak

SOAK_TABS, SOAK_EXPIRIES, SOAK_REFRESH_FAILURE_RATE, SOAK_API_FAILURE_RATE, SOAK_SLEEPS,
SOAK_RESTARTS, SOAK_LIFETIME (access-token seconds), SOAK_CALL_INTERVAL_MS (a tab's mean
pause between calls) and SOAK_SEED. The outcome is printed as a table (pytest -s shows it)
and written to day-of-use.txt in the test's temporary directory (SOAK_REPORT: a copy).
"""

import contextlib
import os
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from {{ cookiecutter.project_slug }}.authentication.policy import session_policy
from {{ cookiecutter.project_slug }}.authentication.transport import refresh_transport

from tests.demo.tabs import (
    REFRESH_PATH,
    Tab,
    held_refresh_token,
    jwt_claims,
    new_tab,
    while_browsing,
)
from tests.support.browser import chromium
from tests.support.servers import (
    ACCESS_LOG_FORMAT_VARIABLE,
    REQUEST_ID_ACCESS_LOG_FORMAT,
    LiveServer,
    LoggedRequest,
)
from tests.support.sessions import http_session

pytestmark = [pytest.mark.browser, pytest.mark.live_server_process, pytest.mark.soak]

ECHO_PATH = "/api/echo/"
ME_PATH = "/api/me/"
# The day's API traffic, which the network may drop (refreshes have a rate of their own);
# signing in and out are not part of it.
FLAKY_API = {ME_PATH, ECHO_PATH}
# The client refreshes a token this share of its lifetime after it arrived (client/src/lib/schedule.js:
# the margin before expiry is a quarter of a short lifetime).
REFRESH_AT = 0.75
# The tabs share one page clock, but two tabs' readings of it may differ by a few ms.
CLOCK_TOLERANCE_MS = 100
# A hidden tab calls the API this many times less often.
HIDDEN_SLOWDOWN = 4


@dataclass(frozen=True)
class Knobs:
    """The scenario's size and roughness; the defaults are the short day of `make test`."""

    tabs: int = 3
    expiries: int = 16
    refresh_failure_rate: float = 0.10
    api_failure_rate: float = 0.05
    sleeps: int = 3
    restarts: int = 2
    lifetime: int = 3
    call_interval_ms: int = 500
    seed: int = 20240229

    @classmethod
    def from_env(cls) -> "Knobs":
        values = {}
        for knob in fields(cls):
            raw = os.environ.get(f"SOAK_{knob.name.upper()}", "")
            if raw:
                values[knob.name] = float(raw) if knob.type in (float, "float") else int(raw)
        return cls(**values)

    def describe(self) -> str:
        return ", ".join(f"{knob.name}={getattr(self, knob.name)}" for knob in fields(self))


# --- What runs in the pages ---------------------------------------------------------

# Before any script of the page: note every token response it receives (when it asked,
# when it heard, the token and its expires_in), so the test can tell whether a refresh was
# due, and which access token was the last.
TOKEN_TAP = """(() => {
    const kinds = { "/api/token/": "login", "/api/token/refresh/": "refresh" };
    const tap = (window.__tokens = []);
    const realFetch = window.fetch.bind(window);
    window.fetch = async (input, init) => {
        const url = new URL(input instanceof Request ? input.url : String(input), location.href);
        const kind = kinds[url.pathname];
        if (!kind) return realFetch(input, init);
        const restoring = window.authClient?.getState().status !== "signed_in";
        const entry = { kind, restoring, start: Date.now(), end: null, status: null };
        Object.assign(entry, { expiresIn: null, access: null, code: null, error: null });
        tap.push(entry);
        try {
            const response = await realFetch(input, init);
            entry.status = response.status;
            const body = await response.clone().json().catch(() => null);
            entry.expiresIn = body?.expires_in ?? null;
            entry.access = body?.access ?? null;
            entry.code = body?.code ?? null;
            return response;
        } catch (error) {
            entry.error = String(error);
            throw error;
        } finally {
            entry.end = Date.now();
        }
    };
})();"""

# A tab at work: API calls at random intervals (fewer while hidden), each recorded with
# what the page got. POSTs carry an X-Request-Id, so the server's log can count them.
START_WORKING = """({ tab, seed, meanMs, hiddenSlowdown }) => {
    const soak = (window.__soak = { calls: [], stopped: false, sequence: 0, loginFormShown: 0 });
    let state = seed >>> 0;
    const random = () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const request = (kind, id) => {
        if (kind === "get") return ["/api/me/", { headers: { Accept: "application/json" } }];
        const headers = { Accept: "application/json", "X-Request-Id": id };
        if (kind === "json") {
            headers["Content-Type"] = "application/json";
            const body = JSON.stringify({ request_id: id, tab, note: "a JSON body" });
            return ["/api/echo/", { method: "POST", headers, body }];
        }
        const form = new FormData();
        form.append("request_id", id);
        form.append("note", "a multipart form");
        form.append("attachment", new Blob([`contents of ${id}`], { type: "text/plain" }), `${id}.txt`);
        return ["/api/echo/", { method: "POST", headers, body: form }];
    };
    soak.call = async (kind, id) => {
        const entry = { id, kind, start: Date.now(), end: null, status: null, outcome: "pending", detail: null };
        soak.calls.push(entry);
        try {
            const response = await window.authClient.apiFetch(...request(kind, id));
            entry.status = response.status;
            const body = await response.json();
            const echoed = kind === "get" ? body?.username === "alice" : body?.received?.request_id === id;
            entry.outcome = !response.ok ? "http_error" : echoed ? "ok" : "wrong_answer";
            if (!response.ok || !echoed) entry.detail = JSON.stringify(body);
        } catch (error) {
            // fetch rejects with a TypeError when the network fails; anything else is news.
            entry.outcome = error instanceof TypeError ? "network_error" : "error";
            entry.detail = `${error.name}: ${error.message}${error.code ? ` [${error.code}]` : ""}`;
        }
        entry.end = Date.now();
        return entry;
    };
    const form = document.getElementById("login-form");
    new MutationObserver(() => {
        if (!form.hidden) soak.loginFormShown += 1;
    }).observe(form, { attributes: true, attributeFilter: ["hidden"] });
    (async () => {
        while (!soak.stopped) {
            const slowdown = document.visibilityState === "hidden" ? hiddenSlowdown : 1;
            await new Promise((resolve) => setTimeout(resolve, random() * 2 * meanMs * slowdown));
            if (soak.stopped) break;
            const pick = random();
            soak.call(pick < 0.4 ? "get" : pick < 0.7 ? "json" : "form", `${tab}-${++soak.sequence}`);
        }
    })();
}"""

CALL = "([kind, id]) => window.__soak.call(kind, id)"
ALL_SETTLED = "window.__soak.calls.every((call) => call.outcome !== 'pending')"
NOTE_SIGN_OUT = """() => {
    window.__signedOutAt = null;
    window.authClient.subscribe((state) => {
        if (state.status === "signed_out" && window.__signedOutAt === null) window.__signedOutAt = Date.now();
    });
}"""
CLICK_LOG_OUT = """() => {
    const at = Date.now();
    document.getElementById("logout-button").click();
    return at;
}"""


# --- Fixtures -----------------------------------------------------------------------


@pytest.fixture
def knobs() -> Knobs:
    return Knobs.from_env()


@pytest.fixture
def context(browser_available, start_server, tmp_path):
    """A fresh chromium under a page clock the test controls, closed before the servers stop."""
    with chromium(tmp_path / "profile") as context:
        context.clock.install()  # one clock for every tab: a sleep stops them all
        context.add_init_script(TOKEN_TAP)
        yield context


@pytest.fixture
def server(context, start_server, tmp_path, knobs) -> LiveServer:
    """Short-lived access tokens, the project's own rotation settings (its grace window too),
    and request ids in the access log. Not throttled (server_env): a day squeezed into
    minutes refreshes hundreds of times faster than a real one."""
    return start_server(
        JWT_ACCESS_TOKEN_LIFETIME_SECONDS=str(knobs.lifetime),
        LIVE_SERVER_ACCESS_LOG=str(tmp_path / "access.log"),
        **{ACCESS_LOG_FORMAT_VARIABLE: REQUEST_ID_ACCESS_LOG_FORMAT},
    )


# --- The parts of the scenario ------------------------------------------------------


@dataclass
class Faults:
    """Network failures injected by request interception.

    A dropped refresh never leaves the browser. Of the dropped API calls, half never leave
    it either; the other half reach the server, and their answers are lost on the way back.
    """

    rng: random.Random
    refresh_rate: float
    api_rate: float
    enabled: bool = False
    seen: Counter = field(default_factory=Counter)
    dropped: Counter = field(default_factory=Counter)
    answer_lost: set = field(default_factory=set)  # X-Request-Ids of POSTs served, answers lost

    def handle(self, route) -> None:
        from playwright.sync_api import Error

        request = route.request
        path = urlsplit(request.url).path
        kind = "refresh" if path == REFRESH_PATH else "api" if path in FLAKY_API else None
        if not (self.enabled and kind):
            route.continue_()
            return
        self.seen[kind] += 1
        if self.rng.random() >= (self.refresh_rate if kind == "refresh" else self.api_rate):
            route.continue_()
            return
        self.dropped[kind] += 1
        if kind == "api" and self.rng.random() < 0.5:
            try:
                route.fetch()  # the server serves it ...
                if request_id := request.headers.get("x-request-id"):
                    self.answer_lost.add(request_id)
                self.dropped["api answer lost"] += 1
            except Error:
                pass  # the server is down (a restart): never served
            route.abort("connectionreset")  # ... and the answer never comes back
            return
        route.abort("internetdisconnected")


@dataclass
class Check:
    what: str
    observed: str
    expected: str
    ok: bool


@dataclass
class Day:
    """The tabs and the server through the day, and what the checks need to know of it."""

    server: LiveServer
    context: object
    knobs: Knobs
    rng: random.Random
    faults: Faults
    tabs: list[Tab] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    stolen: str | None = None  # the refresh token a thief copies at sign-in
    seconds: float = 0.0  # wall time of the day
    sleeps: list[float] = field(default_factory=list)  # how far the clock jumped, in seconds
    restarts: int = 0
    caught_by_restart: list[dict] = field(default_factory=list)
    after_restart: list[dict] = field(default_factory=list)
    visibility_changes: int = 0
    network_failures: Counter = field(default_factory=Counter)  # by path, as the browser saw them

    @property
    def page(self):
        return self.tabs[0].page

    def pump(self, seconds: float) -> None:
        """Let the browser (and the interception) run for a while of real time."""
        self.page.wait_for_timeout(seconds * 1000)

    def evaluate_all(self, script: str) -> list:
        return [tab.page.evaluate(script) for tab in self.tabs]

    def check(self, what: str, observed, expected: str, ok: bool) -> None:
        self.checks.append(Check(what, str(observed), expected, bool(ok)))

    # --- Events of the day ---

    def wander(self, hidden_until: dict) -> None:
        """Now and then a tab goes hidden (another one in front) and comes back a few seconds later."""
        now = time.monotonic()
        for tab in self.tabs:
            if tab in hidden_until and now >= hidden_until[tab]:
                tab.set_visibility("visible")
                del hidden_until[tab]
                self.visibility_changes += 1
            elif tab not in hidden_until and self.rng.random() < 0.04:
                tab.set_visibility("hidden")
                hidden_until[tab] = now + self.rng.uniform(1, 6)
                self.visibility_changes += 1

    def sleep(self) -> None:
        """The lid closes: every tab hidden, page timers stopped, the page clock jumps by hours."""
        for tab in self.tabs:
            tab.set_visibility("hidden")
        jump = self.rng.uniform(20 * 60, 8 * 3600)
        self.tabs[0].sleep(jump)  # the clock is the context's: every tab sleeps
        self.pump(self.rng.uniform(0.2, 0.8))  # real time passes too, but hardly for the server
        self.page.clock.resume()
        for tab in self.rng.sample(self.tabs, len(self.tabs)):  # the lid opens; the tabs wake in any order
            tab.set_visibility("visible")
            self.pump(self.rng.uniform(0, 0.15))
        self.sleeps.append(jump)
        self.visibility_changes += 2 * len(self.tabs)

    def restart(self) -> None:
        """Stop the server, call it while it is down, start it again on the same port and database.

        Odd restarts are a deploy's (graceful: requests under way are answered first), even
        ones abrupt (gunicorn's quick shutdown); either way new connections are refused.
        """
        self.restarts += 1
        graceful = self.restarts % 2 == 1
        while_browsing(self.page, lambda: self.server.stop(graceful=graceful))
        for number, tab in enumerate(self.tabs):  # caught by the restart: a POST from each tab
            self.caught_by_restart.append(tab.page.evaluate(CALL, ["json", f"{number}-restart{self.restarts}"]))
        self.pump(self.rng.uniform(0.5, 1.5))  # the tabs' own calls fail meanwhile
        while_browsing(self.page, self.server.start)
        # The next request works, without signing in again (injected failures aside).
        self.faults.enabled = False
        for number, tab in enumerate(self.tabs):
            self.after_restart.append(tab.page.evaluate(CALL, ["get", f"{number}-after-restart{self.restarts}"]))
        self.faults.enabled = True


# --- The test -----------------------------------------------------------------------


def test_a_day_of_use_never_shows_the_login_screen(context, server, knobs, tmp_path):
    rng = random.Random(knobs.seed)  # noqa: S311 (a reproducible scenario, not a secret)
    faults = Faults(random.Random(rng.random()), knobs.refresh_failure_rate, knobs.api_failure_rate)  # noqa: S311
    day = Day(server=server, context=context, knobs=knobs, rng=rng, faults=faults)
    policy = session_policy()
    started = time.monotonic()
    try:
        run_the_day(day)
        steal_the_first_refresh_token(day, policy)
        log_out(day, policy)
    finally:
        report = table(day, time.monotonic() - started)
        print(f"\n{report}")
        (tmp_path / "day-of-use.txt").write_text(f"{report}\n")
        if os.environ.get("SOAK_REPORT"):
            Path(os.environ["SOAK_REPORT"]).write_text(f"{report}\n")
    failed = [check for check in day.checks if not check.ok]
    assert not failed, "\n".join(f"{check.what}: {check.observed} (expected {check.expected})" for check in failed)


def run_the_day(day: Day) -> None:
    knobs, server, context = day.knobs, day.server, day.context
    # Signed in once, in the first tab; the others find the session as they open.
    day.tabs.append(new_tab(context, server.url).sign_in())
    for _ in range(knobs.tabs - 1):
        tab = new_tab(context, server.url)
        tab.wait_for_status("signed_in")
        day.tabs.append(tab)
    day.stolen = held_refresh_token(context, day.tabs[0])  # copied now, replayed tonight

    # The day starts: from here on, everything is checked.
    wire_start = [len(tab.calls) for tab in day.tabs]
    tokens_start = [len(entries) for entries in day.evaluate_all("window.__tokens")]
    log_start = len(server.logged_requests())
    context.on("requestfailed", lambda request: day.network_failures.update([urlsplit(request.url).path]))
    context.route("**/api/**", day.faults.handle)
    day.faults.enabled = True
    for number, tab in enumerate(day.tabs):
        tab.watch_statuses()
        options = {"meanMs": knobs.call_interval_ms, "hiddenSlowdown": HIDDEN_SLOWDOWN}
        tab.page.evaluate(START_WORKING, {"tab": number, "seed": day.rng.getrandbits(32), **options})

    events = schedule(knobs)
    hidden_until: dict = {}
    began = time.monotonic()
    deadline = began + knobs.expiries * knobs.lifetime * 3 + 120
    while time.monotonic() < deadline:
        done = count(server.logged_requests()[log_start:], REFRESH_PATH, 200)
        if events and done >= events[0][0] * knobs.expiries:
            for tab in list(hidden_until):
                tab.set_visibility("visible")
            hidden_until.clear()
            if events.pop(0)[1] == "sleep":
                day.sleep()
            else:
                day.restart()
            continue
        if (done >= knobs.expiries and not events) or any(tab.status() != "signed_in" for tab in day.tabs):
            break  # done, or signed out: the checks say which
        day.wander(hidden_until)
        day.pump(0.3)

    # Evening: the network calms down, the tabs finish what they were doing, and stop.
    for tab in hidden_until:
        tab.set_visibility("visible")
    day.faults.enabled = False
    day.pump(knobs.lifetime)
    for tab in day.tabs:
        tab.page.evaluate("window.__soak.stopped = true")
    for tab in day.tabs:
        with contextlib.suppress(Exception):  # a call that never settles is reported below
            tab.page.wait_for_function(ALL_SETTLED, timeout=30_000)
    day.seconds = time.monotonic() - began

    calls_by_tab = day.evaluate_all("window.__soak.calls")
    tokens_by_tab = [
        entries[start:] for entries, start in zip(day.evaluate_all("window.__tokens"), tokens_start, strict=True)
    ]
    logged = server.logged_requests()[log_start:]
    check_the_users_view(day, calls_by_tab, wire_start)
    check_the_posts(day, [call for calls in calls_by_tab for call in calls if call["kind"] != "get"], logged)
    check_the_refreshes(day, tokens_by_tab, logged)
    check_the_restarts(day, logged)
    for number, (calls, entries) in enumerate(zip(calls_by_tab, tokens_by_tab, strict=True)):
        made = f"{len(calls)} / {count_tokens(entries, 'refresh', 200)}"
        day.check(f"Tab {number}: API calls / refreshes it made", made, "-", True)


def schedule(knobs: Knobs) -> list[tuple[float, str]]:
    """When the machine sleeps and the server restarts, as shares of the day's expiries."""
    events = [((i + 0.5) / knobs.sleeps, "sleep") for i in range(knobs.sleeps)]
    events += [((i + 0.6) / knobs.restarts, "restart") for i in range(knobs.restarts)]
    return sorted(events)


def count(logged: list[LoggedRequest], path: str, status: int | None = None) -> int:
    return sum(1 for entry in logged if entry.path == path and (status is None or entry.status == status))


def count_tokens(entries: list[dict], kind: str, status: int) -> int:
    return sum(1 for entry in entries if entry["kind"] == kind and entry["status"] == status)


# --- What must hold -----------------------------------------------------------------


def check_the_users_view(day: Day, calls_by_tab: list[list[dict]], wire_start: list[int]) -> None:
    """Signed in all day: no login form, no sign-out, no 401, every call answered or failed visibly."""
    knobs = day.knobs
    sleeps = ", ".join(f"{jump / 3600:.1f} h" for jump in day.sleeps)
    day.check("Tabs, wall time of the day", f"{knobs.tabs} tabs, {day.seconds:.0f} s", "-", True)
    day.check(
        "Sleeps (page clock jumps past expiry)",
        f"{len(day.sleeps)}: {sleeps}",
        knobs.sleeps,
        len(day.sleeps) == knobs.sleeps,
    )
    day.check("Server restarts (same database)", day.restarts, knobs.restarts, day.restarts == knobs.restarts)
    day.check("Tabs hidden / shown again", day.visibility_changes, "> 0", day.visibility_changes > 0)

    form_shown = sum(day.evaluate_all("window.__soak.loginFormShown"))
    day.check("Login form shown", form_shown, "0", form_shown == 0)
    states = Counter(status for tab in day.tabs for status in tab.seen_statuses())
    day.check(
        "States the clients emitted: signed in / signed out",
        f"{states['signed_in']} / {states['signed_out']}",
        "> 0 / 0",
        states["signed_in"] > 0 and states["signed_out"] == 0,
    )
    calls = [call for calls in calls_by_tab for call in calls]
    answered_401 = sum(1 for call in calls if call["status"] == 401)
    day.check("API calls answered to the page with a 401", answered_401, "0", answered_401 == 0)
    wire_401 = sum(
        1 for tab, start in zip(day.tabs, wire_start, strict=True) for call in tab.calls[start:] if call.status == 401
    )
    day.check("401 answers on the wire (any /api/ request)", wire_401, "0", wire_401 == 0)
    kinds = Counter(call["kind"] for call in calls)
    day.check(
        "Calls by the pages: GET / JSON POST / form POST",
        f"{kinds['get']} / {kinds['json']} / {kinds['form']}",
        "each kind",
        all(kinds[kind] for kind in ("get", "json", "form")),
    )
    outcomes = Counter(call["outcome"] for call in calls)
    day.check("  answered OK / network error", f"{outcomes['ok']} / {outcomes['network_error']}", "-", True)
    odd = [call for call in calls if call["outcome"] not in {"ok", "network_error"}]
    day.check("  pending, refused or answered wrongly", len(odd), "0", not odd)
    for call in odd[:3]:
        day.check("    for example", call, "-", False)


def check_the_posts(day: Day, posts: list[dict], logged: list[LoggedRequest]) -> None:
    """Each POST reached the server exactly once, or failed as a network error; none twice.

    The server's log names each one by its X-Request-Id. A replay (same id) is allowed only
    after a 401, which the server refused before processing anything.
    """
    answers: dict[str, list[int]] = {}
    for entry in logged:
        if entry.path == ECHO_PATH and entry.request_id:
            answers.setdefault(entry.request_id, []).append(entry.status)
    tally = Counter()
    odd = []
    for post in posts:
        statuses = answers.pop(post["id"], [])
        refused, processed = statuses[:-1], statuses[-1:]
        tally["replays after a 401"] += len(refused)
        if any(status != 401 for status in refused):
            verdict = "sent twice"
        elif post["outcome"] == "network_error" and post["id"] in day.faults.answer_lost:
            verdict = "network error, served once (answer lost)" if processed == [200] else "lost answer not served"
        elif post["outcome"] == "network_error":
            verdict = "network error, never reached the server" if not processed else "network error, yet served"
        elif processed == [post["status"]]:
            verdict = "reached the server exactly once"
        else:
            verdict = "answered, yet not served (dropped)"
        tally[verdict] += 1
        if verdict not in GOOD_POST_VERDICTS:
            odd.append({**post, "server": statuses})
    day.check("POSTs made by the pages", len(posts), "-", bool(posts))
    for verdict in GOOD_POST_VERDICTS:
        day.check(f"  {verdict}", tally[verdict], "-", True)
    bad = sum(tally[verdict] for verdict in tally if verdict not in (*GOOD_POST_VERDICTS, "replays after a 401"))
    day.check("  sent twice, dropped, or served when they failed", bad, "0", bad == 0)
    day.check(
        "  replays after a 401", tally["replays after a 401"], "0 (no 401s all day)", not tally["replays after a 401"]
    )
    day.check("  served, yet made by no page", len(answers), "0", not answers)
    for post in odd[:3]:
        day.check("    for example", post, "-", False)


GOOD_POST_VERDICTS = (
    "reached the server exactly once",
    "network error, never reached the server",
    "network error, served once (answer lost)",
)


def check_the_refreshes(day: Day, tokens_by_tab: list[list[dict]], logged: list[LoggedRequest]) -> None:
    """One refresh per expiry, at most one more per injected failure; reuse detection never fires."""
    knobs, faults = day.knobs, day.faults
    refreshed = count(logged, REFRESH_PATH, 200)
    reaching = count(logged, REFRESH_PATH)
    tokens = [entry for entries in tokens_by_tab for entry in entries]
    day.check(
        "Access-token expiries (tokens refreshed)", refreshed, f">= {knobs.expiries}", refreshed >= knobs.expiries
    )
    bound = refreshed + faults.dropped["refresh"]
    day.check(
        "Refresh requests reaching the server",
        reaching,
        f"<= expiries + dropped = {bound}",
        reaching <= bound,
    )
    early = early_refreshes(tokens)
    day.check("Refreshes sent before the token was due", len(early), "0 (one per expiry)", not early)
    for entry in early[:3]:
        day.check("    for example", entry, "-", False)
    lifetimes = [entry["expiresIn"] for entry in tokens if entry["status"] == 200 and entry["expiresIn"]]
    period = REFRESH_AT * statistics.median(lifetimes) if lifetimes else knobs.lifetime
    by_the_clock = day.seconds / period + len(day.sleeps)
    day.check(
        "  expiries by the clock: day / refresh period + sleeps",
        f"{by_the_clock:.0f} (period {period:.2f} s)",
        f">= expiries - {day.restarts + 1}",
        refreshed <= by_the_clock + day.restarts + 1,
    )
    reused = sum(1 for entry in tokens if entry["code"] == "token_reused")
    refused = sum(1 for entry in logged if entry.path == REFRESH_PATH and entry.status != 200)
    day.check("Reuse detected / refreshes refused", f"{reused} / {refused}", "0 / 0", reused == refused == 0)
    day.check(
        "Injected failures: refreshes / API calls (answer lost)",
        f"{faults.dropped['refresh']}/{faults.seen['refresh']} / "
        f"{faults.dropped['api']}/{faults.seen['api']} ({faults.dropped['api answer lost']})",
        f"~{knobs.refresh_failure_rate:.0%} / ~{knobs.api_failure_rate:.0%}",
        True,
    )
    failures = ", ".join(f"{path} x{number}" for path, number in sorted(day.network_failures.items()))
    day.check("  network errors, as the browser saw them", failures or "none", "dropped + restarts", True)


def early_refreshes(tokens: list[dict]) -> list[dict]:
    """Return the refresh requests sent before the newest token (whichever tab got it) was due.

    A tab refreshes a token REFRESH_AT of its lifetime after it arrived; a refresh sent any
    earlier, by any tab, is a second refresh for one expiry.
    """
    issued = sorted((entry for entry in tokens if entry["status"] == 200 and entry["expiresIn"]), key=by_end)
    early = []
    for attempt in tokens:
        if attempt["kind"] != "refresh" or attempt["restoring"]:
            continue
        before = [entry for entry in issued if entry["end"] <= attempt["start"]]
        if before:
            due = before[-1]["end"] + REFRESH_AT * before[-1]["expiresIn"] * 1000
            if attempt["start"] < due - CLOCK_TOLERANCE_MS:
                early.append({**attempt, "due_in_ms": round(due - attempt["start"])})
    return early


def by_end(entry: dict) -> float:
    return entry["end"]


def check_the_restarts(day: Day, logged: list[LoggedRequest]) -> None:
    """What was sent while the server was down failed visibly and was never re-sent; the next call worked."""
    caught = day.caught_by_restart
    failed = sum(1 for call in caught if call["outcome"] == "network_error")
    ids = {call["id"] for call in caught}
    served = sum(1 for entry in logged if entry.request_id in ids)
    expected = day.restarts * len(day.tabs)
    day.check(
        "POSTs caught by a restart: network error / served",
        f"{failed}/{len(caught)} / {served}",
        f"{expected}/{expected} / 0",
        failed == len(caught) == expected and served == 0,
    )
    worked = sum(1 for call in day.after_restart if call["outcome"] == "ok")
    day.check("  the next call works, no sign-in", f"{worked}/{len(day.after_restart)}", "all", worked == expected)


def steal_the_first_refresh_token(day: Day, policy) -> None:
    """The refresh token copied at sign-in, rotated long since, is replayed: the session ends everywhere."""
    if not (policy.rotate and policy.reuse_detection):
        day.check("Thief replays the first refresh token", "n/a", "rotation and reuse detection off", True)
        return
    replayed_at = time.monotonic()
    replay = http_session(day.server.url).refresh(day.stolen)
    day.check(
        "Thief replays the first refresh token",
        f"{replay.status_code} {replay.data.get('code')}",
        "401 token_reused",
        replay.status_code == 401 and replay.data.get("code") == "token_reused",
    )
    # The tabs' next refresh is refused, and every tab signs out: as designed.
    signed_out = sum(signs_out(tab, (day.knobs.lifetime + 5) * 1000) for tab in day.tabs)
    seconds = time.monotonic() - replayed_at
    within = day.knobs.lifetime * REFRESH_AT + 1
    reasons = Counter(tab.page.text_content("#reason").strip("()") for tab in day.tabs)
    day.check(
        "  legitimate tabs signed out",
        f"{signed_out}/{len(day.tabs)} in {seconds:.1f} s",
        f"all, by their next refresh (< {within:.2f} s)",
        signed_out == len(day.tabs) and seconds < within,
    )
    day.check("  why, as the tabs say", ", ".join(f"{why} x{n}" for why, n in sorted(reasons.items())), "-", True)
    refused = {
        entry["code"]
        for entries in day.evaluate_all("window.__tokens")
        for entry in entries
        if entry["kind"] == "refresh" and entry["status"] == 401
    }
    day.check(
        "  the tabs' next refresh",
        ", ".join(sorted(refused)) or "never refused",
        "session_revoked",
        refused == {"session_revoked"},
    )


def log_out(day: Day, policy) -> None:
    """Signed in again, the user logs out in one tab: every tab signs out, both tokens stop working."""
    tabs = day.tabs
    if tabs[0].status() != "signed_in":
        tabs[0].sign_in()
    for tab in tabs:
        tab.wait_for_status("signed_in")
        tab.click_me()
    issued = [entry for entries in day.evaluate_all("window.__tokens") for entry in entries if entry["access"]]
    last_access = max(issued, key=by_end)["access"]
    refresh = held_refresh_token(day.context, tabs[0])

    for tab in tabs:  # each tab notes when it signs out, by the clock the tabs share
        tab.page.evaluate(NOTE_SIGN_OUT)
    clicked_at = tabs[0].page.evaluate(CLICK_LOG_OUT)
    signed_out = sum(signs_out(tab, 5_000) for tab in tabs)
    last = max(tab.page.evaluate("window.__signedOutAt") or float("inf") for tab in tabs)
    seconds = (last - clicked_at) / 1000
    forms = sum(tab.login_form_visible() for tab in tabs)
    day.check(
        "Logout in one tab: tabs signed out / login form",
        f"{signed_out}/{len(tabs)} / {forms}/{len(tabs)}, the last {seconds:.2f} s after the click",
        "all, within 1 s",
        signed_out == forms == len(tabs) and seconds <= 1,
    )
    refused = http_session(day.server.url).refresh(refresh)
    day.check(
        "  the refresh token, sent again",
        f"{refused.status_code} {refused.data.get('code')}",
        "401 token_blacklisted or session_revoked",
        refused.status_code == 401 and refused.data.get("code") in {"token_blacklisted", "session_revoked"},
    )
    me = http_session(day.server.url).get("/api/me/", last_access)
    if policy.revoke_access_on_logout:
        observed = f"{me.status_code} {me.data.get('code')}"
        expired = jwt_claims(last_access)["exp"] + policy.leeway.total_seconds() < time.time()
        expected = "401 session_revoked (or token_not_valid, had it expired)"
        revoked = me.status_code == 401 and (me.data.get("code") == "session_revoked" or expired)
        day.check("  the last access token", observed, expected, revoked)
    else:
        day.check(
            "  the last access token", me.status_code, "works until it expires (revoke_access_on_logout off)", True
        )


def signs_out(tab: Tab, timeout_ms: float) -> bool:
    from playwright.sync_api import TimeoutError as Timeout

    try:
        tab.wait_for_status("signed_out", timeout_ms=timeout_ms)
    except Timeout:
        return False
    return True


def table(day: Day, seconds: float) -> str:
    """Return the checks as a table, under the settings and knobs of the run."""
    mode, grace = refresh_transport.storage, settings.JWT_ROTATION_GRACE_SECONDS
    title = f"A day of use: {mode}, rotation grace {grace} s, {seconds:.0f} s in all"
    what = max((len(check.what) for check in day.checks), default=0)
    observed = max((len(check.observed) for check in day.checks), default=0)
    lines = [title, f"knobs: {day.knobs.describe()}", ""]
    lines.append(f"{'':4}  {'what':{what}}  {'observed':{observed}}  expected")
    for check in day.checks:
        lines.append(
            f"{'ok' if check.ok else 'FAIL':4}  {check.what:{what}}  {check.observed:{observed}}  {check.expected}"
        )
    return "\n".join(line.rstrip() for line in lines)
