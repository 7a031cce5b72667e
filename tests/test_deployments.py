"""The JavaScript client where people deploy it, in Chromium: an app on one host, the API on another.

Each storage mode is baked once and served once for the whole session (see tests/deployments.py):
the API at http://api.example.test:<port>, the apps at http://app.example.test:<port>, both on
plain http, so pages are cross-origin from the API, same-site with it, and without Web Locks.
Each test signs in as a user of its own and counts what reached the API in its access log.
"""

import shutil
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest

from .conftest import require
from .deployments import (
    FRONTENDS,
    PASSWORD,
    ApiServer,
    StaticSite,
    api_environment,
    build_react_app,
    chromium,
    chromium_executable,
    install_react_app,
    node_version,
    prepare_database,
)

MODES = {"httponly_cookie": {}, "local_storage": {"refresh_token_storage": "local_storage"}}
# Short enough to see several expiries in seconds, long enough for a loaded machine.
ACCESS_LIFETIME_SECONDS = 6
USERS = ["sibling", "tabs", "react"]
REFRESH = ("POST", "/api/token/refresh/")

# One worker runs them all (pytest -n): they share a bake, its servers and the React app's install.
pytestmark = [pytest.mark.usefixtures("browser_available"), pytest.mark.xdist_group("deployments")]


@pytest.fixture(scope="session")
def browser_available():
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        require(False, "playwright is not installed (pip install -r requirements.txt)")
    require(chromium_executable() is not None, "chromium is not installed (`make browser`)")


@dataclass
class Deployment:
    """A baked project's API and a static site for its front ends, both serving."""

    project: Path
    api: ApiServer
    site: StaticSite

    def url(self, app: str) -> str:
        """Return the address of an app on the site (a folder of it), told where the API is."""
        return f"{self.site.origin}/{app}/?api={self.api.origin}"


@pytest.fixture(scope="session")
def deployment_for(baked, tmp_path_factory):
    """Return a function that deploys the bake of a storage mode once in this session."""
    deployments = {}

    def deploy(mode: str) -> Deployment:
        if mode not in deployments:
            project = baked(MODES[mode])
            folder = tmp_path_factory.mktemp(f"deployment-{mode}")
            site = StaticSite(site_root(project, folder / "site")).start()
            env = api_environment(folder / "db.sqlite3", site.origin, ACCESS_LIFETIME_SECONDS)
            prepare_database(project, env, USERS)
            api = ApiServer(project, env, folder / "access.log", folder / "server.log").start()
            deployments[mode] = Deployment(project, api, site)
        return deployments[mode]

    yield deploy
    for deployment in deployments.values():
        deployment.api.stop()
        deployment.site.stop()


def site_root(project: Path, root: Path) -> Path:
    """Lay out the app host's files: the plain page, and the baked client beside it at /client/."""
    shutil.copytree(FRONTENDS / "plain", root / "plain")
    shutil.copytree(project / "client" / "src", root / "client")
    return root


@pytest.fixture(scope="session")
def react_app_for(deployment_for):
    """Return a function that builds the React app against a mode's client, once, onto its site."""
    require(shutil.which("npm") is not None, "npm is not installed (apt-get install npm)")
    require(node_version() >= (20, 19), "Vite 8 needs Node.js 20.19 or later")
    install_react_app()
    built = set()

    def build(mode: str) -> str:
        deployment = deployment_for(mode)
        if mode not in built:
            build_react_app(deployment.project / "client" / "src" / "index.js", deployment.site.root / "react")
            built.add(mode)
        return deployment.url("react")

    return build


def open_plain_app(context, deployment: Deployment):
    """Open the plain page in a new tab and wait until its client has restored (or not) a session."""
    page = context.new_page()
    page.goto(deployment.url("plain"))
    page.wait_for_function("window.app !== undefined")
    page.evaluate("() => app.restored.then(() => undefined)")
    return page


def watch_console(page) -> list[str]:
    """Return a list that fills with the page's console errors and warnings and uncaught exceptions.

    Chromium's own "Failed to load resource" lines are left out: they report HTTP statuses
    (the tests read those on the server), not the app.
    """
    problems = []

    def record(message) -> None:
        if message.type in {"error", "warning"} and not message.text.startswith("Failed to load resource"):
            problems.append(f"{message.type}: {message.text}")

    page.on("console", record)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    return problems


def sign_in(page, username: str) -> None:
    """Sign in through the page's client; fail with what the console said if that is refused."""
    problems = watch_console(page)
    failure = page.evaluate(
        """([username, password]) => app.auth.login({ username, password }).then(
            () => null,
            (error) => error.code ?? String(error),
        )""",
        [username, PASSWORD],
    )
    assert failure is None, f"signing in failed ({failure}); the console said: {problems}"


def status_of_me(page) -> int | str:
    """Return the status of GET /api/me/ through the client, or the code it rejected with."""
    return page.evaluate(
        """() => app.auth.apiFetch(`${app.api}/api/me/`).then(
            (response) => response.status,
            (error) => error.code ?? String(error),
        )"""
    )


# --- App and API on sibling subdomains -----------------------------------------------------


def test_sibling_subdomains_in_cookie_mode_stay_signed_in_across_a_reload(deployment_for):
    deployment = deployment_for("httponly_cookie")
    with chromium() as context:
        page = open_plain_app(context, deployment)
        sign_in(page, "sibling")
        # The page cannot read the API host's cookies, the CSRF token's included: that is the case.
        assert "csrftoken" not in page.evaluate("document.cookie")
        mark = deployment.api.mark()

        page.reload()
        page.wait_for_function("window.app !== undefined")
        restored = page.evaluate("() => app.restored.then(({ status, reason }) => [status, reason ?? null])")
        me = status_of_me(page)

    answered = deployment.api.logged_requests()[mark:]
    assert (restored, me) == (["signed_in", None], 200), f"after the reload the API answered {answered}"


# --- A non-secure origin: no Web Locks, three tabs ---------------------------------------------

# Each tab asks the API who it is every second, through the client, and keeps what it got:
# the final status (a refused token is refreshed and the call replayed inside apiFetch), or
# the code of the error apiFetch rejected with.
CALL_ME_EVERY_SECOND = """() => {
    app.calls = [];
    app.caller = setInterval(() => app.auth.apiFetch(`${app.api}/api/me/`).then(
        (response) => app.calls.push(response.status),
        (error) => app.calls.push(error.code ?? String(error)),
    ), 1000);
}"""
STOP_AND_REPORT = """() => {
    clearInterval(app.caller);
    app.auth.dispose();
    const { status, reason } = app.auth.getState();
    const signedOutOnce = app.events.some((event) => event?.type === "signed_out");
    return { status, reason: reason ?? null, signedOutOnce, calls: app.calls };
}"""


def record_refreshes(context) -> list:
    """Return a list that fills with every refresh request any tab sends (Playwright's Request)."""
    sent = []

    def record(request) -> None:
        if request.method == "POST" and request.url.endswith("/api/token/refresh/"):
            sent.append(request)

    context.on("request", record)
    return sent


def seconds_between_answered(requests: list) -> list[float]:
    """Return the time between consecutive requests, by the browser's clock, of those answered.

    (Playwright fills in a request's timing when its answer arrives.)
    """
    started = sorted(request.timing["startTime"] / 1000 for request in requests if request.timing["startTime"] > 0)
    return [later - earlier for earlier, later in pairwise(started)]


@pytest.mark.parametrize("mode", MODES)
def test_three_tabs_without_web_locks_refresh_once_per_expiry(deployment_for, mode):
    deployment = deployment_for(mode)
    with chromium() as context:
        sent_refreshes = record_refreshes(context)
        tabs = [open_plain_app(context, deployment) for _ in range(3)]
        assert tabs[0].evaluate("[isSecureContext, 'locks' in navigator]") == [False, False]
        mark = deployment.api.mark()
        sign_in(tabs[0], "tabs")
        for tab in tabs:
            tab.wait_for_function("app.auth.getState().status === 'signed_in'")
            tab.evaluate(CALL_ME_EVERY_SECOND)
        tabs[0].wait_for_timeout((3 * ACCESS_LIFETIME_SECONDS + 2) * 1000)  # three expiries and some
        reports = [tab.evaluate(STOP_AND_REPORT) for tab in tabs]
        tabs[0].wait_for_timeout(500)  # a refresh sent just before dispose() reaches the log
    refreshes = deployment.api.requests_since(mark, *REFRESH)

    outcomes = [(report["status"], report["reason"], report["signedOutOnce"]) for report in reports]
    assert outcomes == [("signed_in", None, False)] * 3, f"refreshes answered {[r.status for r in refreshes]}"
    assert {call for report in reports for call in report["calls"]} == {200}, reports
    assert [logged.status for logged in refreshes] == [200] * len(sent_refreshes)
    assert len(refreshes) >= 3, "three expiries, and fewer refreshes"
    # Two refreshes for one token come close together; one per token comes a lifetime apart, less a margin
    # (at most a quarter of the lifetime, see the client's README).
    gaps = seconds_between_answered(sent_refreshes)
    assert min(gaps) >= ACCESS_LIFETIME_SECONDS / 2, gaps


# --- A React 19 app built with Vite -----------------------------------------------------------


def sign_in_see_a_refresh_and_sign_out(page) -> dict:
    """Use the React app as a person would; return what it showed and its refresh count at sign-out."""
    from playwright.sync_api import expect

    page.get_by_label("Username").fill("react")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expires_at, refresh_count = page.get_by_test_id("expires-at"), page.get_by_test_id("refresh-count")
    first_expiry = expires_at.text_content()
    expect(refresh_count).not_to_have_text("0", timeout=2 * ACCESS_LIFETIME_SECONDS * 1000)
    seen = {"first_expiry": first_expiry, "refreshed_expiry": expires_at.text_content()}
    seen["refresh_count"] = int(refresh_count.text_content())
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_test_id("status")).to_have_text("signed_out")
    return seen


@pytest.mark.parametrize("mode", MODES)
def test_react_app_signs_in_refreshes_and_signs_out(deployment_for, react_app_for, mode):
    from playwright.sync_api import Error

    url, deployment = react_app_for(mode), deployment_for(mode)
    with chromium() as context:
        page = context.new_page()
        problems = watch_console(page)
        page.goto(url)
        mark = deployment.api.mark()
        try:
            seen = sign_in_see_a_refresh_and_sign_out(page)
        except Error as error:
            pytest.fail(f"{error.message.splitlines()[0]}; the console said: {problems}")
    refreshes = deployment.api.requests_since(mark, *REFRESH)
    logouts = deployment.api.requests_since(mark, "POST", "/api/auth/logout/")

    assert seen["refreshed_expiry"] > seen["first_expiry"]  # ISO 8601 times, in UTC: later sorts after
    assert [logged.status for logged in refreshes] == [200] * seen["refresh_count"]
    assert [logged.status for logged in logouts] == [205]
    assert problems == []
