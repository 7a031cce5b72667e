"""The demo page in real Chromium against a live server: silent refresh, tabs, sleep, logout.

Access tokens live LIFETIME seconds here, so a few expiries pass in each test. Refreshes
are counted on the server (its access log), never in the page.
"""

import os
import time
from pathlib import Path

import pytest

from tests.demo.tabs import (
    REFRESH_PATH,
    STORAGE_KEY,
    Tab,
    held_refresh_token,
    jwt_claims,
    new_tab,
    open_tabs,
    refresh_cookie,
)
from tests.support import PROJECT_DIR
from tests.support.browser import chromium, chromiums
from tests.support.sessions import http_session

pytestmark = [pytest.mark.browser, pytest.mark.live_server_process]

# The storage mode the answers chose: what the page must say it uses, and its screenshot's name.
MODE = "{{ cookiecutter.refresh_token_storage }}"
# Long enough that the client's margin (a quarter of it) outlasts the whole second a JWT's
# exp may be truncated by; short enough for several expiries in seconds.
LIFETIME = 6
# The client refreshes a quarter of the lifetime before expiry (client/src/lib/schedule.js).
REFRESH_PERIOD = LIFETIME * 3 / 4
README_SCREENSHOT = PROJECT_DIR / "docs" / "screenshots" / f"demo-{MODE}.png"


@pytest.fixture
def screenshot_path(tmp_path) -> Path:
    """Where the demo-page screenshot goes: the README's picture when it is missing or
    UPDATE_SCREENSHOTS=1, else a temporary file (so test runs leave the checkout alone)."""
    if os.environ.get("UPDATE_SCREENSHOTS") == "1" or not README_SCREENSHOT.exists():
        return README_SCREENSHOT
    return tmp_path / README_SCREENSHOT.name


@pytest.fixture
def context(browser_available, start_server, tmp_path):
    """A fresh chromium (one browser; its pages are tabs), closed before the servers stop."""
    with chromium(tmp_path / "profile") as context:
        yield context


@pytest.fixture
def server(context, start_server, tmp_path):
    """A live server with short-lived access tokens, generous throttles and an access log."""
    return start_demo_server(start_server, tmp_path)


def start_demo_server(start_server, tmp_path, **environment):
    return start_server(
        JWT_ACCESS_TOKEN_LIFETIME_SECONDS=str(LIFETIME),
        JWT_LOGIN_THROTTLE_RATE="1000/minute",
        JWT_REFRESH_THROTTLE_RATE="1000/minute",
        LIVE_SERVER_ACCESS_LOG=str(tmp_path / "access.log"),
        **environment,
    )


def refreshes(server) -> int:
    """Return the successful refreshes the server has answered."""
    return server.count_requests("POST", REFRESH_PATH, status=200)


def assert_never_refused(*tabs: Tab) -> None:
    for tab in tabs:
        assert tab.refused() == [], "a request was refused with 401"
        assert "signed_out" not in tab.seen_statuses(), "the user was signed out"
        assert tab.status() == "signed_in"
        assert not tab.login_form_visible()


def assert_sent_only_unexpired_tokens(tab: Tab) -> None:
    """No /api/me/ request left with an access token past its exp (whatever the server's leeway)."""
    for call in tab.calls_to("/api/me/"):
        assert call.bearer, "an /api/me/ request without an access token"
        assert call.started_at < jwt_claims(call.bearer)["exp"], "an expired access token was sent"


def assert_refresh_token_kept_out_of_scripts(context, tabs: list[Tab]) -> None:
{%- if cookiecutter.refresh_token_storage == "httponly_cookie" %}
    """Only the browser holds the refresh token (an HttpOnly cookie): no page script can read it."""
    from tests.demo.tabs import readable_by_scripts_at

    cookie = refresh_cookie(context, tabs[0].base_url)
    assert cookie is not None, "the browser holds no refresh cookie"
    assert cookie["httpOnly"]
    token = cookie["value"]
    readable = [value for tab in tabs for value in tab.readable_by_scripts()]
    # Not even a page under the cookie's own path sees it.
    readable += readable_by_scripts_at(context, tabs[0].base_url, REFRESH_PATH)
    assert not [value for value in readable if token in value], "page scripts can read the refresh token"
{%- else %}
    """local_storage mode: localStorage holds the refresh token, and no cookie carries it."""
    assert refresh_cookie(context, tabs[0].base_url) is None
    for tab in tabs:
        stored = tab.web_storage()
        token = stored["local"][STORAGE_KEY]
        assert jwt_claims(token)["token_type"] == "refresh"
        assert token not in stored["cookie"] and token not in stored["session"].values()
{%- endif %}


def wait_for_refresh_count(tab: Tab, count: int) -> None:
    """Wait until the page shows `count` refreshes (it hears of one just after the server logs it)."""
    tab.page.wait_for_function(
        "(count) => document.getElementById('refresh-count').textContent === String(count)", arg=count, timeout=5_000
    )


def new_calls(tab: Tab, since: int) -> list[tuple[str, str, int]]:
    return [(call.method, call.path, call.status) for call in tab.calls[since:]]


REFRESH_THEN_ME = [("POST", REFRESH_PATH, 200), ("GET", "/api/me/", 200)]


def test_a_signed_in_user_never_sees_a_401_across_several_expiries(context, server, screenshot_path):
    (tab,) = open_tabs(context, server.url, 1)  # signed in through the form
    assert tab.page.text_content("#storage-mode") == MODE
    tab.watch_statuses()
    before = refreshes(server)
    started = time.monotonic()
    screenshot_taken = False

    while time.monotonic() - started < 3 * LIFETIME:
        assert tab.click_me()["username"] == "alice"
        if not screenshot_taken and tab.refresh_count() >= 1:
            # For the README: signed in, the countdown running, a refresh behind it.
            tab.screenshot(screenshot_path)
            screenshot_taken = True
        assert tab.api_fetch("/api/me/") == 200
        tab.page.wait_for_timeout(400)

    assert_never_refused(tab)
    assert_sent_only_unexpired_tokens(tab)
    done = refreshes(server) - before
    assert done >= 3
    wait_for_refresh_count(tab, done)
    assert_refresh_token_kept_out_of_scripts(context, [tab])
    assert screenshot_taken
    assert screenshot_path.stat().st_size > 10_000


def test_two_tabs_share_one_refresh_per_expiry(context, server):
    tabs = open_tabs(context, server.url, 2)
    for tab in tabs:
        tab.watch_statuses()
    before = refreshes(server)
    started = time.monotonic()

    while time.monotonic() - started < 3 * LIFETIME:
        for tab in tabs:
            assert tab.click_me()["username"] == "alice"
        tab.page.wait_for_timeout(300)
    elapsed = time.monotonic() - started

    done = refreshes(server) - before
    # One refresh per token lifetime, as the client schedules it; each tab refreshing would double it.
    assert abs(done - elapsed / REFRESH_PERIOD) <= 1, f"{done} refreshes in {elapsed:.1f}s"
    assert done >= elapsed // LIFETIME
    assert_never_refused(*tabs)
    for tab in tabs:
        assert_sent_only_unexpired_tokens(tab)
        wait_until_tab_shows_server_count(tab, server, before)  # the count is the session's, shared by its tabs
    assert_refresh_token_kept_out_of_scripts(context, tabs)


def wait_until_tab_shows_server_count(tab: Tab, server, before: int, seconds: float = 5) -> None:
    """Wait until the page shows as many refreshes as the server has answered since `before`.

    Both are read again each time: the next scheduled refresh may land while this waits.
    """
    deadline = time.monotonic() + seconds
    while True:
        shown = tab.page.eval_on_selector("#refresh-count", "element => element.textContent")
        answered = refreshes(server) - before
        if shown == str(answered):
            return
        assert time.monotonic() < deadline, f"the page shows {shown} refreshes, the server answered {answered}"
        tab.page.wait_for_timeout(100)


def test_a_tab_waking_from_sleep_refreshes_before_its_next_request(context, server):
    tab = new_tab(context, server.url, install_clock=True).sign_in()
    tab.watch_statuses()
    assert tab.click_me()["username"] == "alice"
    signed_in_with = tab.calls[-1].bearer
    before = refreshes(server)

    # The lid closes: the tab is hidden, its timers stop, the wall clock runs past expiry.
    tab.set_visibility("hidden")
    tab.sleep(LIFETIME * 10)
    assert tab.refresh_count() == 0
    # The lid opens. No timer is due yet, so only visibilitychange can start this refresh.
    since = len(tab.calls)
    tab.set_visibility("visible")
    wait_for_refresh_count(tab, 1)
    me = tab.click_me()

    assert new_calls(tab, since) == REFRESH_THEN_ME
    assert tab.calls[-1].bearer != signed_in_with
    assert me["expires_at"] == jwt_claims(tab.calls[-1].bearer)["exp"]
    assert refreshes(server) == before + 1

    # Asleep again, and woken without a visibilitychange (another window has the focus):
    # the next request itself finds the token due and refreshes first.
    tab.sleep(LIFETIME * 10)
    since = len(tab.calls)
    tab.click_me()

    assert new_calls(tab, since) == REFRESH_THEN_ME
    assert refreshes(server) == before + 2

    # Asleep a third time, and on waking the overdue timer fires as well as visibilitychange:
    # both ask for a refresh, and they share one.
    tab.set_visibility("hidden")
    tab.page.clock.fast_forward(LIFETIME * 10 * 1000)
    since = len(tab.calls)
    tab.set_visibility("visible")
    tab.click_me()

    assert new_calls(tab, since) == REFRESH_THEN_ME
    assert refreshes(server) == before + 3
    tab.page.clock.resume()
    assert_never_refused(tab)


def test_logout_in_one_tab_signs_out_the_other_and_ends_the_refresh_token(context, server):
    first, second = open_tabs(context, server.url, 2)
    assert_refresh_token_kept_out_of_scripts(context, [first, second])
    old_refresh = held_refresh_token(context, first)
    assert old_refresh

    first.page.click("#logout-button")
    clicked = time.monotonic()
    first.wait_for_status("signed_out", timeout_ms=5_000)
    second.wait_for_status("signed_out", timeout_ms=1_000)
    assert time.monotonic() - clicked < 2

    for tab in (first, second):
        assert tab.login_form_visible()
        assert tab.web_storage()["local"].get(STORAGE_KEY) is None
    assert held_refresh_token(context, first) is None
    assert server.count_requests("POST", "/api/auth/logout/", status=205) == 1
    # Reloading does not bring the session back ...
    second.open()
    assert second.status() == "signed_out"
    # ... and the server refuses the refresh token the browser held.
    refused = http_session(server.url).refresh(old_refresh)
    assert refused.status_code == 401
    assert refused.data["code"] in {"token_blacklisted", "session_revoked"}


# A browser whose tabs cannot coordinate (no Web Locks, no BroadcastChannel), so nothing
# in the client keeps two tabs from refreshing with the same token at the same moment.
WITHOUT_TAB_SYNC = """
    Object.defineProperty(Navigator.prototype, "locks", { configurable: true, get: () => undefined });
    delete window.BroadcastChannel;
"""


def hold_until_both_arrive(context, path: str) -> list:
    """Hold requests to `path` until two are waiting, then let both go at once.

    Returns the list of released requests, filled only once both have gone on: unrouting
    before that would race the release.
    """
    waiting, released = [], []

    def hold(route):
        waiting.append(route)
        if len(waiting) == 2:
            for route_ in waiting:
                route_.continue_()
            released.extend(waiting)
        elif len(waiting) > 2:
            route.continue_()  # the pair has gone; hold nothing more

    context.route(f"**{path}", hold)
    return released


def wait_while(page, condition, seconds: float = 10) -> None:
    """Wait while `condition()` holds, at most `seconds`, letting Playwright serve events meanwhile."""
    deadline = time.monotonic() + seconds
    while condition() and time.monotonic() < deadline:
        page.wait_for_timeout(50)


def test_with_a_grace_window_two_tabs_refreshing_at_once_both_stay_signed_in(context, start_server, tmp_path):
    server = start_demo_server(start_server, tmp_path, JWT_ROTATION_GRACE_SECONDS="10")
    context.add_init_script(WITHOUT_TAB_SYNC)
    first = new_tab(context, server.url).sign_in()
    second = new_tab(context, server.url)  # alone, it restores the session with a refresh of its own
    second.wait_for_status("signed_in")
    assert first.page.evaluate("navigator.locks === undefined && !('BroadcastChannel' in window)")
    for tab in (first, second):
        tab.watch_statuses()

    refreshes_before = {tab: len(tab.calls_to(REFRESH_PATH)) for tab in (first, second)}
    released = hold_until_both_arrive(context, REFRESH_PATH)
    wait_while(first.page, lambda: len(released) < 2, seconds=LIFETIME * 2)  # each tab's own timer
    assert len(released) == 2, "the tabs did not both refresh"
    context.unroute(f"**{REFRESH_PATH}")
    wait_while(first.page, lambda: any(len(t.calls_to(REFRESH_PATH)) == refreshes_before[t] for t in (first, second)))

    # Both were answered with a fresh pair of the same session, and both go on past more expiries.
    for tab in (first, second):
        assert [call.status for call in tab.calls_to(REFRESH_PATH)[refreshes_before[tab] :]] == [200]
    started = time.monotonic()
    while time.monotonic() - started < 2 * LIFETIME:
        for tab in (first, second):
            assert tab.click_me()["username"] == "alice"
        first.page.wait_for_timeout(300)
    assert_never_refused(first, second)


def listed_sessions(tab: Tab) -> list[dict]:
    """Return the sessions the page lists: each one's id and whether it is marked as this one."""
    return tab.page.eval_on_selector_all(
        "#sessions li",
        "items => items.map((item) => ({ id: item.dataset.sessionId, current: 'current' in item.dataset }))",
    )


def wait_for_listed_sessions(tab: Tab, count: int) -> list[dict]:
    tab.page.wait_for_function("(count) => document.querySelectorAll('#sessions li').length === count", arg=count)
    return listed_sessions(tab)


def test_ending_another_browsers_session_signs_that_browser_out(browser_available, start_server, tmp_path):
    with chromiums(tmp_path / "laptop", tmp_path / "phone") as (laptop_browser, phone_browser):
        server = start_demo_server(start_server, tmp_path)
        phone = new_tab(phone_browser, server.url).sign_in()
        laptop = new_tab(laptop_browser, server.url).sign_in()

        sessions = wait_for_listed_sessions(laptop, 2)
        assert [session["current"] for session in sessions] == [True, False]  # newest first: the laptop's
        laptop.page.click(f"#sessions li[data-session-id='{sessions[1]['id']}'] .end-session-button")

        assert wait_for_listed_sessions(laptop, 1) == [sessions[0]]
        phone.wait_for_status("signed_out", timeout_ms=LIFETIME * 2_000)  # at its next refresh at the latest
        assert phone.login_form_visible()
        assert laptop.page.text_content("#error") == ""
        assert laptop.click_me()["username"] == "alice"
        assert laptop.status() == "signed_in"


def test_logging_out_the_other_sessions_signs_the_other_browser_out_and_keeps_this_one(
    browser_available, start_server, tmp_path
):
    with chromiums(tmp_path / "laptop", tmp_path / "phone") as (laptop_browser, phone_browser):
        server = start_demo_server(start_server, tmp_path)
        phone = new_tab(phone_browser, server.url).sign_in()
        laptop = new_tab(laptop_browser, server.url).sign_in()
        sessions = wait_for_listed_sessions(laptop, 2)

        laptop.page.click("#logout-others-button")

        assert wait_for_listed_sessions(laptop, 1) == [sessions[0]]  # the laptop's own, marked current
        phone.wait_for_status("signed_out", timeout_ms=LIFETIME * 2_000)
        assert phone.login_form_visible()
        assert laptop.click_me()["username"] == "alice"
        assert laptop.status() == "signed_in"
