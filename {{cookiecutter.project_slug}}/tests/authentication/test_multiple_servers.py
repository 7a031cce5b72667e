"""Two server processes on one database behave as one server: they share its cache tables, or Redis."""

import uuid

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection

from config.settings.base import redis_caches

from tests.support.sessions import http_session


@pytest.fixture(params=["database-cache", "redis-cache"])
def two_servers(request, start_server):
    environment = {"JWT_ROTATION_GRACE_SECONDS": "0", "REDIS_URL": ""}
    if request.param == "redis-cache":
        environment["REDIS_URL"] = request.getfixturevalue("redis_url")
        # Keys of this test's own: another suite may share the Redis server at the same time.
        environment["REDIS_KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    return start_server(**environment), start_server(**environment)


def refresh_on_one_server_then_replay_on_the_other(two_servers):
    """Refresh through the first server, then present the token it replaced to the second."""
    first, second = two_servers
    on_first = http_session(first.url)
    on_first.login()
    old = on_first.refresh_token
    assert on_first.refresh().status_code == 200
    return http_session(second.url).refresh(old)
{%- if cookiecutter.blacklist_after_rotation == "yes" %}


@pytest.mark.live_server_process
def test_a_token_rotated_through_one_server_is_refused_by_the_other(two_servers):
    replay = refresh_on_one_server_then_replay_on_the_other(two_servers)

    assert replay.status_code == 401
{%- else %}


@pytest.mark.live_server_process
def test_a_token_refreshed_through_one_server_still_refreshes_on_the_other(two_servers):
    """Without blacklist_after_rotation a refreshed token is not spent: it stays valid to its expiry."""
    replay = refresh_on_one_server_then_replay_on_the_other(two_servers)

    assert replay.status_code == 200
{%- endif %}


def log_out_through_the_first_server(two_servers):
    """Sign in and log out through the first server; return the second's session and the ended tokens."""
    first, second = two_servers
    on_first = http_session(first.url)
    on_first.login()
    refresh_token, access = on_first.refresh_token, on_first.access
    assert on_first.logout().status_code == 205
    return http_session(second.url), refresh_token, access


@pytest.mark.live_server_process
def test_logout_through_one_server_ends_the_session_on_the_other(two_servers):
    on_second, refresh_token, _ = log_out_through_the_first_server(two_servers)

    assert on_second.refresh(refresh_token).status_code == 401
{%- if cookiecutter.revoke_access_on_logout == "yes" %}


@pytest.mark.live_server_process
def test_logout_through_one_server_ends_the_access_token_on_the_other_at_once(two_servers):
    on_second, _, access = log_out_through_the_first_server(two_servers)

    assert on_second.get("/api/me/", access).status_code == 401
{%- else %}


@pytest.mark.live_server_process
def test_without_revoke_access_on_logout_the_access_token_lives_on_the_other_server(two_servers):
    on_second, _, access = log_out_through_the_first_server(two_servers)

    assert on_second.get("/api/me/", access).status_code == 200
{%- endif %}


@pytest.fixture
def without_cache_tables(settings):
    """Drop the database caches' tables, so the test can see `migrate` create them."""
    tables = [cache["LOCATION"] for cache in settings.DATABASE_CACHES.values()]
    with connection.cursor() as cursor:
        for table in set(tables) & set(connection.introspection.table_names()):
            cursor.execute(f"DROP TABLE {connection.ops.quote_name(table)}")
    return tables


@pytest.mark.parametrize("cache_while_migrating", ["database", "redis"])
@pytest.mark.django_db(transaction=True)
def test_migrate_alone_creates_the_cache_tables(settings, without_cache_tables, cache_while_migrating):
    """Without REDIS_URL the server needs them at once; with it, the day it drops Redis."""
    settings.CACHES = {"database": settings.DATABASE_CACHES, "redis": redis_caches("redis://127.0.0.1:1/0")}[
        cache_while_migrating
    ]
    call_command("migrate", "core", "zero", verbosity=0)

    call_command("migrate", verbosity=0)  # no createcachetable; Redis is never contacted

    assert set(without_cache_tables) <= set(connection.introspection.table_names())
    settings.CACHES = settings.DATABASE_CACHES
    for alias in settings.CACHES:
        caches[alias].set("written", alias)
        assert caches[alias].get("written") == alias
