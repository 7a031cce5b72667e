"""The database is the truth, the cache an accelerator: Redis lost, flushed, down, and back.

Against a redis-server of the test's own (conftest.RedisServer), in process; the same
with two gunicorn processes is in test_multiple_servers.py.
"""

import logging

import pytest
import redis
from django.core.cache import caches

from config.settings.base import redis_caches
from {{ cookiecutter.project_slug }}.authentication import revocation, throttling
from {{ cookiecutter.project_slug }}.authentication.tokens import AccessToken, family_of
from {{ cookiecutter.project_slug }}.core import cache as core_cache
from {{ cookiecutter.project_slug }}.core.cache import CacheOutage


@pytest.fixture
def redis_cache(own_redis, settings, monkeypatch):
    """Point both caches at the test's own Redis; each process-wide outage record starts afresh."""
    settings.CACHES = redis_caches(own_redis.url, key_prefix="faults")
    monkeypatch.setattr(revocation, "outage", CacheOutage("revocations"))
    monkeypatch.setattr(throttling, "outage", CacheOutage("default"))
    throttling.local_counts.clear()
    # Ask a Redis that was down again at once, instead of after a couple of seconds.
    monkeypatch.setattr(core_cache, "RETRY_SECONDS", 0)
    return own_redis


@pytest.fixture
def logged_out(signed_in, redis_cache):
    """A session that was used and then logged out; returns its access token."""
    assert signed_in.get("/api/me/").status_code == 200
    access = signed_in.access
    assert signed_in.logout().status_code == 205
    assert signed_in.get("/api/me/").status_code == 401
    return access


def me_with(auth, access):
    return auth.client.get("/api/me/", **auth.auth_header(access))


def test_a_logged_out_access_token_stays_refused_after_redis_restarts_empty(signed_in, logged_out, redis_cache):
    redis_cache.restart()

    response = me_with(signed_in, logged_out)

    assert response.status_code == 401
    assert response.json()["code"] == "session_revoked"


def test_a_logged_out_access_token_stays_refused_after_flushdb(signed_in, logged_out, redis_cache):
    redis_cache.flush()

    assert me_with(signed_in, logged_out).status_code == 401


def test_the_cache_is_refilled_from_the_database_after_it_lost_its_data(signed_in, logged_out, redis_cache):
    redis_cache.flush()

    me_with(signed_in, logged_out)

    store = caches["revocations"]
    assert store.get(revocation.FILLED_KEY) is not None
    assert store.get(revocation.key(family_of(AccessToken(logged_out)))) is not None


def test_with_redis_down_signing_in_calling_refreshing_and_logging_out_all_answer(auth, redis_cache):
    redis_cache.stop()

    assert auth.login().status_code == 200
    assert auth.get("/api/me/").status_code == 200
    assert auth.refresh().status_code == 200
    assert auth.get("/api/me/").status_code == 200
    assert auth.logout().status_code == 205


def test_with_redis_down_a_logged_out_access_token_is_refused(auth, redis_cache):
    redis_cache.stop()
    auth.login()
    access = auth.access
    auth.logout()

    response = me_with(auth, access)

    assert response.status_code == 401
    assert response.json()["code"] == "session_revoked"


def test_a_logout_made_while_redis_was_down_holds_when_redis_returns_with_its_data(signed_in, redis_cache):
    assert signed_in.get("/api/me/").status_code == 200  # the cache is filled and knows the session open
    access = signed_in.access
    redis_cache.stop(keep_data=True)
    assert signed_in.logout().status_code == 205
    redis_cache.start()

    assert me_with(signed_in, access).status_code == 401
    assert me_with(signed_in, access).status_code == 401  # and again, now from the refilled cache


def test_a_logged_out_access_token_stays_refused_once_redis_is_back(signed_in, redis_cache):
    access = signed_in.access
    redis_cache.stop()
    signed_in.logout()
    redis_cache.start()

    assert me_with(signed_in, access).status_code == 401


def test_a_logout_that_a_full_redis_refuses_to_record_still_holds(signed_in, redis_cache):
    assert signed_in.get("/api/me/").status_code == 200
    access = signed_in.access
    redis.Redis.from_url(redis_cache.url).config_set("maxmemory", 1)  # noeviction: every write is refused

    assert signed_in.logout().status_code == 205
    assert me_with(signed_in, access).status_code == 401


def test_sign_in_throttling_counts_in_the_process_while_redis_is_down(auth, redis_cache, settings):
    settings.JWT_THROTTLE_RATES = {**settings.JWT_THROTTLE_RATES, "login": "2/minute"}
    redis_cache.stop()

    statuses = [auth.login(password="wrong").status_code for _ in range(3)]

    assert statuses == [401, 401, 429]


def test_the_log_says_once_that_the_cache_is_down_and_once_that_it_is_back(signed_in, redis_cache, caplog):
    redis_cache.stop(keep_data=True)
    with caplog.at_level(logging.WARNING, logger=core_cache.__name__):
        for _ in range(3):
            signed_in.get("/api/me/")
        redis_cache.start()
        signed_in.get("/api/me/")

    messages = [record.getMessage() for record in caplog.records]
    assert len([m for m in messages if "'revocations' is unreachable" in m]) == 1
    assert len([m for m in messages if "'revocations' is reachable again" in m]) == 1


def test_health_is_ok_while_database_and_cache_answer(db, api_client, redis_cache):
    response = api_client.get("/api/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_health_is_degraded_but_200_while_redis_is_down(db, api_client, redis_cache):
    redis_cache.stop()

    response = api_client.get("/api/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}
