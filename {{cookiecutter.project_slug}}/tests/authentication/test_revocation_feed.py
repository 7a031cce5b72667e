"""JWT_REVOCATION_PUBSUB: each process's set of revoked sessions, kept current by Redis pub/sub.

Against a redis-server of the test's own. The subscription is taken down by taking away the
right to use any channel (an ACL): subscribing and publishing then fail while the cache keeps
answering, as when messages are lost.
"""

import time

import pytest
import redis

from config.settings.base import redis_caches
from {{ cookiecutter.project_slug }}.authentication import revocation, revocation_feed
from {{ cookiecutter.project_slug }}.authentication.tokens import AccessToken, family_of

from tests.support.sessions import http_session

# Longer than a feed takes to notice (MAX_LAG) on a loaded machine.
SETTLE_SECONDS = 1.0


def cut_subscriptions(redis_url: str) -> None:
    """Forbid every channel: subscribers are disconnected, and neither subscribing nor publishing works."""
    # Raw ACL SETUSER: redis-py's acl_setuser() would also disable the user.
    redis.Redis.from_url(redis_url).execute_command("ACL", "SETUSER", "default", "resetchannels")


def allow_subscriptions(redis_url: str) -> None:
    redis.Redis.from_url(redis_url).execute_command("ACL", "SETUSER", "default", "allchannels")


def wait_for(condition, seconds: float = 10.0) -> bool:
    """Poll `condition` until it holds or `seconds` pass; return whether it held."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.fixture
def pubsub_servers(start_server, own_redis):
    """Two gunicorn servers (two workers each) on one database and the test's own Redis, with the feed on."""
    environment = {"REDIS_URL": own_redis.url, "JWT_REVOCATION_PUBSUB": "true", "JWT_ROTATION_GRACE_SECONDS": "0"}
    return start_server(**environment), start_server(**environment)


def log_out_through(server) -> str:
    """Sign in and log out through `server`; return the session's access token."""
    session = http_session(server.url)
    session.login()
    access = session.access
    assert session.logout().status_code == 205
    return access


@pytest.mark.live_server_process
def test_a_token_revoked_through_one_process_is_refused_by_another(pubsub_servers):
    first, second = pubsub_servers

    access = log_out_through(first)

    assert http_session(second.url).get("/api/me/", access).status_code == 401


@pytest.mark.live_server_process
def test_a_token_revoked_while_the_subscription_is_down_is_refused(pubsub_servers, own_redis):
    first, second = pubsub_servers
    cut_subscriptions(own_redis.url)
    time.sleep(SETTLE_SECONDS)

    access = log_out_through(first)

    assert http_session(second.url).get("/api/me/", access).status_code == 401


@pytest.mark.live_server_process
def test_a_token_revoked_while_the_subscription_was_down_stays_refused_once_it_is_back(pubsub_servers, own_redis):
    first, second = pubsub_servers
    cut_subscriptions(own_redis.url)
    access = log_out_through(first)
    allow_subscriptions(own_redis.url)
    time.sleep(SETTLE_SECONDS + revocation_feed.RECONNECT_SECONDS)

    assert http_session(second.url).get("/api/me/", access).status_code == 401


@pytest.fixture
def feed(own_redis, settings, monkeypatch, transactional_db):
    """This process's feed, subscribed to the test's own Redis; its thread reads the committed database."""
    settings.CACHES = redis_caches(own_redis.url, key_prefix="feed")
    settings.JWT_REVOKE_ACCESS_ON_LOGOUT = True
    settings.JWT_REVOCATION_PUBSUB = True
    fresh = revocation_feed.RevocationFeed()
    monkeypatch.setattr(revocation, "feed", fresh)
    yield fresh
    fresh.stop()


def family_signed_in(auth) -> str:
    assert auth.login().status_code == 200
    return family_of(AccessToken(auth.access))


def test_the_feed_vouches_for_an_open_session_once_caught_up(feed, auth):
    family = family_signed_in(auth)

    assert wait_for(lambda: feed.is_revoked(family) is False)


def test_a_revocation_published_by_another_process_reaches_the_feed(feed, auth):
    family = family_signed_in(auth)
    assert wait_for(lambda: feed.is_revoked(family) is False)

    revocation_feed.publish([family])  # what another process's logout sends

    assert wait_for(lambda: feed.is_revoked(family) is True, seconds=revocation_feed.MAX_LAG * 10)


def test_the_feed_stops_vouching_while_its_subscription_is_down(feed, auth, own_redis):
    family = family_signed_in(auth)
    assert wait_for(lambda: feed.is_revoked(family) is False)

    cut_subscriptions(own_redis.url)

    assert wait_for(lambda: feed.is_revoked(family) is None, seconds=SETTLE_SECONDS)
    time.sleep(revocation_feed.RECONNECT_SECONDS * 2)
    assert feed.is_revoked(family) is None


def test_a_logout_in_this_process_holds_in_its_feed_at_once(feed, signed_in):
    family = family_of(AccessToken(signed_in.access))
    assert wait_for(lambda: feed.is_revoked(family) is False)

    assert signed_in.logout().status_code == 205

    assert feed.is_revoked(family) is True


def test_a_logged_out_access_token_is_refused_while_the_feed_vouches(feed, signed_in):
    family = family_of(AccessToken(signed_in.access))
    access = signed_in.access
    assert signed_in.logout().status_code == 205
    assert wait_for(lambda: feed.is_revoked(family) is True)

    response = signed_in.client.get("/api/me/", **signed_in.auth_header(access))

    assert response.status_code == 401
    assert response.json()["code"] == "session_revoked"


def test_a_session_revoked_in_the_database_before_the_feed_started_is_in_it(
    own_redis, settings, transactional_db, auth, monkeypatch
):
    family = family_signed_in(auth)
    access = auth.access
    assert auth.logout().status_code == 205  # before any feed of this process exists
    settings.CACHES = redis_caches(own_redis.url, key_prefix="feed")
    settings.JWT_REVOKE_ACCESS_ON_LOGOUT = True
    settings.JWT_REVOCATION_PUBSUB = True
    fresh = revocation_feed.RevocationFeed()
    monkeypatch.setattr(revocation, "feed", fresh)
    try:
        assert wait_for(lambda: fresh.is_revoked(family) is True)
        assert auth.client.get("/api/me/", **auth.auth_header(access)).status_code == 401
    finally:
        fresh.stop()
