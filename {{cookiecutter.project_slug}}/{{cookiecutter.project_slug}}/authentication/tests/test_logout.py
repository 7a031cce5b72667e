"""POST /api/auth/logout/ and /api/auth/logout-all/: end the caller's own sessions."""

import time
import uuid

import jwt
import pytest
from django.apps import apps
from django.core.cache import cache, caches
from django.core.management import call_command
from django.test import override_settings

from {{ cookiecutter.project_slug }}.authentication.models import TokenFamily
from {{ cookiecutter.project_slug }}.authentication.policy import session_policy


def test_logout_answers_205_and_the_refresh_token_stops_working(signed_in):
    refresh_token = signed_in.refresh_token

    response = signed_in.logout()

    assert response.status_code == 205
    refused = signed_in.refresh(refresh_token)
    assert refused.status_code == 401
    assert refused.json()["code"] in {"token_blacklisted", "session_revoked"}


def test_logout_blacklists_the_sessions_refresh_token(signed_in):
    refresh_token = signed_in.refresh_token
    signed_in.logout()

    if apps.is_installed("rest_framework_simplejwt.token_blacklist"):
        from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

        from {{ cookiecutter.project_slug }}.authentication.tokens import RefreshToken

        assert BlacklistedToken.objects.filter(token__jti=RefreshToken(refresh_token).jti).exists()
    assert TokenFamily.objects.get().revoked_reason == TokenFamily.Reason.LOGOUT


def test_logout_ends_the_access_token_at_once_when_configured(signed_in):
    signed_in.logout()

    status = signed_in.get("/api/me/").status_code

    assert status == (401 if session_policy().revoke_access_on_logout else 200)


def test_logout_requires_an_access_token(signed_in):
    response = signed_in.client.post("/api/auth/logout/", {}, format="json", **signed_in.csrf_header())

    assert response.status_code == 401
    assert signed_in.refresh().status_code == 200


def test_logout_leaves_the_users_other_sessions_alone(signed_in, make_auth):
    laptop = make_auth()
    laptop.login()

    signed_in.logout()

    assert laptop.refresh().status_code == 200


def test_logout_all_ends_every_session_of_the_caller_only(signed_in, make_auth, other_user):
    laptop = make_auth()
    laptop.login()
    bob = make_auth()
    bob.login(username="bob")
    phone_token = signed_in.refresh_token

    response = signed_in.logout(path="/api/auth/logout-all/")

    assert response.status_code == 205
    assert laptop.refresh().status_code == 401
    assert signed_in.refresh(phone_token).status_code == 401
    assert_access_ended_if_configured(laptop)
    assert bob.refresh().status_code == 200


def test_password_change_ends_every_session(signed_in, make_auth, user):
    laptop = make_auth()
    laptop.login()

    user.set_password("a whole new password")
    user.save()

    for device in (signed_in, laptop):
        refused = device.refresh()
        assert refused.status_code == 401
        assert refused.json()["code"] in {"session_revoked", "token_blacklisted"}
        assert_access_ended_if_configured(device)


def assert_access_ended_if_configured(device) -> None:
    """With JWT_REVOKE_ACCESS_ON_LOGOUT the device's access token stops at once; else it lives to expiry."""
    response = device.client.get("/api/me/", **device.auth_header(device.access))
    expected = 401 if session_policy().revoke_access_on_logout else 200
    assert response.status_code == expected, response.content


def test_deleting_the_user_ends_their_access_tokens(signed_in, user):
    access = signed_in.access
    user.delete()

    assert signed_in.client.get("/api/me/", **signed_in.auth_header(access)).status_code == 401


@override_settings(JWT_REVOCATION_SYNC_SECONDS=60)
def test_with_revocation_sync_the_process_that_logs_out_refuses_the_token_at_once(signed_in):
    assert signed_in.get("/api/me/").status_code == 200  # the family is now remembered as open

    signed_in.logout()

    expected = 401 if session_policy().revoke_access_on_logout else 200
    assert signed_in.get("/api/me/").status_code == expected


@override_settings(JWT_REVOCATION_SYNC_SECONDS=60, JWT_REVOKE_ACCESS_ON_LOGOUT=True)
def test_with_revocation_sync_other_processes_see_a_logout_within_the_sync_interval(signed_in, monkeypatch):
    from {{ cookiecutter.project_slug }}.authentication import revocation
    from {{ cookiecutter.project_slug }}.authentication.tokens import family_of

    assert signed_in.get("/api/me/").status_code == 200
    family_id = family_of(jwt.decode(signed_in.access, options={"verify_signature": False}))
    # Another process revokes: the cache changes, this process's memory of open families does not.
    caches["revocations"].set(revocation.key(family_id), 1)
    caches["revocations"].set(revocation.MARKER_KEY, "changed elsewhere")

    assert signed_in.get("/api/me/").status_code == 200  # still inside the sync interval
    later = time.monotonic() + 61
    monkeypatch.setattr(revocation.time, "monotonic", lambda: later)
    assert signed_in.get("/api/me/").status_code == 401


@override_settings(JWT_REVOCATION_SYNC_SECONDS=60, JWT_REVOKE_ACCESS_ON_LOGOUT=True)
def test_with_revocation_sync_a_lookup_overtaken_by_a_revocation_remembers_nothing(signed_in, monkeypatch):
    """One thread reads "not revoked"; before it records that, another process revokes the
    family and another thread here syncs. The stale answer must not outlive the sync."""
    from {{ cookiecutter.project_slug }}.authentication import revocation
    from {{ cookiecutter.project_slug }}.authentication.tokens import family_of

    family_id = family_of(jwt.decode(signed_in.access, options={"verify_signature": False}))
    store, read = caches["revocations"], caches["revocations"].get

    def read_then_get_overtaken(key, *args, **kwargs):
        value = read(key, *args, **kwargs)
        if key == revocation.key(family_id):
            monkeypatch.setattr(store, "get", read)  # once
            store.set(revocation.key(family_id), 1)
            store.set(revocation.MARKER_KEY, uuid.uuid4().hex)  # as revoke_families() writes it
            revocation.open_families.sync_if_due(0)
        return value

    monkeypatch.setattr(store, "get", read_then_get_overtaken)

    assert revocation.is_family_revoked(family_id) is False  # what the slow thread read
    assert revocation.is_family_revoked(family_id) is True
    assert signed_in.get("/api/me/").status_code == 401


@pytest.fixture(params=["test-caches", "database-caches"])
def cache_settings(request, settings, db):
    """The caches of the test settings (in memory), or of base.py without REDIS_URL (database tables)."""
    if request.param == "database-caches":
        settings.CACHES = settings.DATABASE_CACHES
        call_command("createcachetable", verbosity=0)  # rolled back with the test
    return request.param


@override_settings(JWT_REVOKE_ACCESS_ON_LOGOUT=True, JWT_REVOCATION_SYNC_SECONDS=0)
def test_a_flood_of_throttle_keys_does_not_revive_a_logged_out_access_token(cache_settings, signed_in):
    signed_in.logout()

    # What throttles write for a thousand client IPs: far more than a cache's default MAX_ENTRIES (300).
    cache.set_many({f"throttle_refresh_10.0.{n // 256}.{n % 256}": [time.time()] for n in range(1000)})

    assert signed_in.get("/api/me/").status_code == 401


@override_settings(JWT_REVOKE_ACCESS_ON_LOGOUT=True, JWT_REVOCATION_SYNC_SECONDS=0)
def test_clearing_the_cache_on_redis_keeps_the_revocations(settings, redis_url, signed_in):
    """Django's RedisCache.clear() is FLUSHDB, which would revive every logged-out access token."""
    from config.settings.base import redis_caches

    settings.CACHES = redis_caches(redis_url, key_prefix=f"test-{uuid.uuid4().hex}")
    signed_in.logout()
    cache.set("cached", "value")
    try:
        cache.clear()

        assert cache.get("cached") is None
        assert signed_in.get("/api/me/").status_code == 401
    finally:
        caches["revocations"].clear()
