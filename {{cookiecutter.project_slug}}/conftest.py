"""Fixtures shared by the whole suite: users, API clients, and an auth flow for this storage mode."""

import os
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.authentication.policy import session_policy
from {{ cookiecutter.project_slug }}.authentication.revocation import open_families
from {{ cookiecutter.project_slug }}.authentication.transport import refresh_transport
from {{ cookiecutter.project_slug }}.core.browser import why_no_browser
from {{ cookiecutter.project_slug }}.core.testing import (
    UNTHROTTLED,
    LiveDatabase,
    LiveServer,
    free_port,
    logout_body,
    prepare_database,
    server_env,
)

PASSWORD = "correct horse battery staple"
COOKIE_MODE = refresh_transport.storage == "httponly_cookie"


@pytest.fixture(autouse=True)
def fresh_policy_and_cache(settings):
    """Each test starts with the policy of its settings, empty caches and no throttling.

    Throttles have tests of their own, which set their rates; elsewhere the generated
    rates (say 5/s) would only make tests fail for the wrong reason.
    """
    from django.core.cache import cache

    settings.JWT_THROTTLE_RATES = {
        "login": UNTHROTTLED,
        "refresh": UNTHROTTLED,
        "verify": UNTHROTTLED,
        "login_account": UNTHROTTLED,
    }
    session_policy.cache_clear()
    cache.clear()
    open_families.forget()  # what this process remembers of the revocation cache
    yield
    session_policy.cache_clear()


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(
        username="alice", email="alice@example.com", password=PASSWORD, is_staff=True
    )


@pytest.fixture
def other_user(db):
    return get_user_model().objects.create_user(username="bob", email="bob@example.com", password=PASSWORD)


@pytest.fixture
def api_client():
    """A client that enforces CSRF like a browser session would."""
    return APIClient(enforce_csrf_checks=True)


class AuthFlow:
    """Signs in and refreshes through the real endpoints, in this project's storage mode.

    Tests written against it hold in both modes; mode-specific details (cookie
    attributes, CSRF) have their own test modules.
    """

    def __init__(self, client: APIClient):
        self.client = client
        self.access = None
        self.body_refresh = None

    def login(self, username="alice", password=PASSWORD):
        response = self.client.post("/api/token/", {"username": username, "password": password}, format="json")
        if response.status_code == 200:
            self.access = response.data["access"]
            self.body_refresh = response.data.get("refresh")
        return response

    @property
    def refresh_token(self):
        """Return the refresh token the client holds (cookie or body)."""
        if COOKIE_MODE:
            cookie = self.client.cookies.get(refresh_cookie_name())
            return cookie.value if cookie else None
        return self.body_refresh

    def refresh(self, refresh_token=None):
        """Refresh with the held token, or with `refresh_token` as a client holding it would."""
        if COOKIE_MODE:
            if refresh_token is not None:
                self.client.cookies[refresh_cookie_name()] = refresh_token
            response = self.client.post("/api/token/refresh/", {}, format="json", **self.csrf_header())
        else:
            token = refresh_token if refresh_token is not None else self.body_refresh
            response = self.client.post("/api/token/refresh/", {"refresh": token}, format="json")
        if response.status_code == 200:
            self.access = response.data["access"]
            self.body_refresh = response.data.get("refresh", self.body_refresh)
        return response

    def logout(self, path="/api/auth/logout/", refresh_token=None):
        """Log out with the held access token (and the refresh token, in local_storage mode)."""
        body = logout_body(path, refresh_token or self.body_refresh, COOKIE_MODE)
        return self.client.post(path, body, format="json", **self.auth_header(), **self.csrf_header())

    def get(self, path):
        return self.client.get(path, **self.auth_header())

    def auth_header(self, access=None):
        return {"HTTP_AUTHORIZATION": f"Bearer {access or self.access}"}

    def csrf_header(self):
        """Return the X-CSRFToken header a browser page would send, fetching the cookie if needed."""
        if settings.CSRF_COOKIE_NAME not in self.client.cookies:
            self.client.get("/")  # the demo page hands out the CSRF cookie, as any page would
        return {"HTTP_X_CSRFTOKEN": self.client.cookies[settings.CSRF_COOKIE_NAME].value}


def refresh_cookie_name():
    from {{ cookiecutter.project_slug }}.authentication.cookies import cookie_name

    return cookie_name()


@pytest.fixture
def auth(api_client, user):
    """An AuthFlow for `user` (alice), not yet signed in."""
    return AuthFlow(api_client)


@pytest.fixture
def signed_in(auth):
    """An AuthFlow for `user`, signed in."""
    assert auth.login().status_code == 200
    return auth


@pytest.fixture
def make_auth(db):
    """Return a factory of independent AuthFlows (another browser, another device)."""
    return lambda: AuthFlow(APIClient(enforce_csrf_checks=True))


IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, why: str) -> None:
    """Skip with the reason when something real is missing; under CI that is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must run this for real, but {why}")
    pytest.skip(why)


def is_listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def browser_available():
    """Skip (fail under CI) before anything starts if playwright or chromium is missing."""
    reason = why_no_browser()
    require(reason is None, reason or "")


@pytest.fixture
def redis_url():
    """Return the Redis URL to test against (REDIS_URL, or the server on 127.0.0.1:6379)."""
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    host_port = url.split("://", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
    host, _, port = host_port.partition(":")
    require(is_listening(host, int(port or 6379)), f"no Redis server answers at {url}")
    return url


@pytest.fixture(scope="session")
def migrated_live_database(tmp_path_factory):
    """A live database migrated once per run, with the user alice; tests get copies of it."""
    database = LiveDatabase.create(tmp_path_factory.mktemp("live"))
    prepare_database(server_env(database))
    yield database
    database.drop()


@pytest.fixture
def start_server(migrated_live_database, tmp_path):
    """Return a function that starts gunicorn processes of this project on one fresh database.

    Keyword arguments become environment variables of the server (e.g. a short token life).
    """
    database = LiveDatabase.create(tmp_path, template=migrated_live_database)
    servers = []

    def start(**environment) -> LiveServer:
        servers.append(LiveServer(server_env(database, **environment)).start())
        return servers[-1]

    yield start
    for server in servers:
        server.stop()
    database.drop()


class RedisServer:
    """A redis-server of the test's own on a free port, to stop, restart and flush at will."""

    def __init__(self, folder, policy: str = "noeviction"):
        self.folder, self.policy, self.port = folder, policy, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> "RedisServer":
        """Start it; it loads what a stop(keep_data=True) saved, else it starts empty."""
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)]
        command += ["--save", "", "--appendonly", "no", "--maxmemory-policy", self.policy]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603  (our own argv)
        self.wait_until_ready()
        return self

    def wait_until_ready(self, seconds: float = 10) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self, keep_data: bool = False) -> None:
        """Stop it: its data is gone (a restart without persistence), or saved to disk first."""
        if self.process is None:
            return
        if keep_data:
            redis.Redis.from_url(self.url).save()
        else:
            (self.folder / "dump.rdb").unlink(missing_ok=True)
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process = None

    def restart(self, keep_data: bool = False) -> None:
        self.stop(keep_data=keep_data)
        self.start()

    def flush(self) -> None:
        redis.Redis.from_url(self.url).flushdb()


@pytest.fixture
def own_redis(tmp_path):
    """A running redis-server of the test's own (skipped, or failed under CI, without redis-server)."""
    require(shutil.which("redis-server") is not None, "redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()
