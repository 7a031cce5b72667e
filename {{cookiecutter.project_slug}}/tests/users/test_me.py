"""GET /api/me/: the protected example endpoint."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings
from rest_framework_simplejwt.settings import api_settings

from {{ cookiecutter.project_slug }}.authentication import authentication

from tests.support import CUSTOM_CLAIMS


def test_me_returns_the_user_and_the_token_claims(signed_in, user):
    response = signed_in.get("/api/me/")

    assert response.status_code == 200
    assert response.data["id"] == user.pk
    assert response.data["username"] == "alice"
    assert response.data["claims"] == {claim: getattr(user, claim) for claim in CUSTOM_CLAIMS}


@pytest.fixture
def cache_lookups(monkeypatch):
    """Count the reads each cache alias is asked for (get and get_many: one round trip each), by alias."""
    counts = dict.fromkeys(settings.CACHES, 0)
    for alias in counts:
        store = caches[alias]
        reading = []  # the in-memory cache's get_many calls get per key: one lookup all the same
        for method in ("get", "get_many"):
            monkeypatch.setattr(store, method, counted(getattr(store, method), counts, alias, reading))
    return counts


def counted(read, counts, alias, reading):
    def counting_read(*args, **kwargs):
        if not reading:
            counts[alias] += 1
        reading.append(True)
        try:
            return read(*args, **kwargs)
        finally:
            reading.pop()

    return counting_read


{%- if "username" in cookiecutter.custom_claims.split(",") | map("trim") | list %}


# The username is one of the claims, so MeView reads everything from the token: what is left
# is the revocation cache's lookup, or stock simplejwt's user query without it.
ME_COSTS = [
    pytest.param(True, 0, 1, id="claims-and-one-cache-lookup"),
    pytest.param(False, 1, 0, id="stock-user-query"),
]
{%- else %}


# custom_claims leaves the username out of the token, so MeView reads it from the database:
# one query on top of the revocation cache's lookup, or of stock simplejwt's user query.
ME_COSTS = [
    pytest.param(True, 1, 1, id="username-query-and-one-cache-lookup"),
    pytest.param(False, 2, 0, id="stock-user-query-and-username-query"),
]
{%- endif %}


@pytest.mark.parametrize(("revoke_access_on_logout", "queries", "revocation_lookups"), ME_COSTS)
def test_me_costs_one_cache_lookup_or_the_queries_the_token_cannot_spare(
    signed_in, cache_lookups, django_assert_num_queries, revoke_access_on_logout, queries, revocation_lookups
):
    policy = override_settings(JWT_REVOKE_ACCESS_ON_LOGOUT=revoke_access_on_logout, JWT_REVOCATION_SYNC_SECONDS=0)
    with policy:
        signed_in.get("/api/me/")  # the first request after a start fills the revocation cache
        cache_lookups.update(dict.fromkeys(cache_lookups, 0))
        with django_assert_num_queries(queries):
            response = signed_in.get("/api/me/")

    assert response.status_code == 200
    assert cache_lookups == {"default": 0, "revocations": revocation_lookups}


def test_an_access_token_served_before_is_refused_once_it_expires(signed_in, monkeypatch):
    assert signed_in.get("/api/me/").status_code == 200  # now checked and cached
    token = authentication.verified_access_token(signed_in.access.encode())
    after_expiry = token["exp"] + api_settings.LEEWAY + 1  # past the leeway too
    monkeypatch.setattr(authentication, "time", SimpleNamespace(time=lambda: after_expiry))
    monkeypatch.setattr(authentication, "aware_utcnow", lambda: datetime.fromtimestamp(after_expiry, tz=UTC))

    response = signed_in.get("/api/me/")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_the_checked_token_requests_share_is_read_only(signed_in):
    token = authentication.JWTAuthentication().get_validated_token(signed_in.access.encode())

    with pytest.raises(TypeError):
        token["username"] = "someone-else"


def test_me_without_a_token_is_401_with_a_code(api_client):
    response = api_client.get("/api/me/")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Token {access}", "bearer {access}", "Basic {access}", "Bearer", "Bearer {access} {access}", "Bearer garbage"],
    ids=["token-scheme", "lowercase-scheme", "basic-scheme", "no-token", "two-tokens", "garbage"],
)
def test_me_refuses_a_wrong_authorization_header_with_401(signed_in, header):
    response = signed_in.client.get("/api/me/", HTTP_AUTHORIZATION=header.format(access=signed_in.access))

    assert response.status_code == 401
    assert response.json()["code"] in {"not_authenticated", "bad_authorization_header", "token_not_valid"}
