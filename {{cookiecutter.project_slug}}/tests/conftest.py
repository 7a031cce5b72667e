"""Fixtures shared by the whole suite: users, API clients, signed-in sessions, live servers."""

import os
import shutil

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.authentication.policy import session_policy
from {{ cookiecutter.project_slug }}.authentication.revocation import open_families

from tests.support import PASSWORD, UNTHROTTLED, require
from tests.support.browser import why_no_browser
from tests.support.servers import LiveDatabase, LiveServer, RedisServer, is_listening, prepare_database, server_env
from tests.support.sessions import AuthSession


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
    return browser_like_client()


def browser_like_client() -> APIClient:
    """A client that enforces CSRF like a browser session would."""
    return APIClient(enforce_csrf_checks=True)


def in_process_session(client: APIClient | None = None) -> AuthSession:
    """Return an AuthSession that drives the endpoints in process, through `client` or a new one."""
    return AuthSession(client or browser_like_client(), browser_like_client)


@pytest.fixture
def auth(api_client, user):
    """An AuthSession for `user` (alice), in process, not yet signed in."""
    return in_process_session(api_client)


@pytest.fixture
def signed_in(auth):
    """An AuthSession for `user`, signed in."""
    assert auth.login().status_code == 200
    return auth


@pytest.fixture
def make_auth(db):
    """Return a factory of independent AuthSessions (another browser, another device)."""
    return in_process_session


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


@pytest.fixture
def own_redis(tmp_path):
    """A running redis-server of the test's own (skipped, or failed under CI, without redis-server)."""
    require(shutil.which("redis-server") is not None, "redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()
