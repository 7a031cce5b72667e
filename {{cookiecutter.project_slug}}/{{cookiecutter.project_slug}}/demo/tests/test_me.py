"""GET /api/me/: the protected example endpoint."""

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import override_settings


def test_me_returns_the_user_and_the_token_claims(signed_in, user):
    response = signed_in.get("/api/me/")

    assert response.status_code == 200
    assert response.data["id"] == user.pk
    assert response.data["username"] == "alice"
    assert response.data["claims"] == {claim: getattr(user, claim) for claim in settings.JWT_CUSTOM_CLAIMS}


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


@pytest.mark.parametrize(
    ("revoke_access_on_logout", "user_queries", "revocation_lookups"),
    [(True, 0, 1), (False, 1, 0)],
    ids=["claims-and-one-cache-lookup", "stock-user-query"],
)
def test_me_costs_one_cache_lookup_or_one_user_query(
    signed_in, cache_lookups, django_assert_num_queries, revoke_access_on_logout, user_queries, revocation_lookups
):
    username_query = 0 if "username" in settings.JWT_CUSTOM_CLAIMS else 1  # MeView reads it from the user then
    policy = override_settings(JWT_REVOKE_ACCESS_ON_LOGOUT=revoke_access_on_logout, JWT_REVOCATION_SYNC_SECONDS=0)
    with policy:
        signed_in.get("/api/me/")  # the first request after a start fills the revocation cache
        cache_lookups.update(dict.fromkeys(cache_lookups, 0))
        with django_assert_num_queries(user_queries + username_query):
            response = signed_in.get("/api/me/")

    assert response.status_code == 200
    assert cache_lookups == {"default": 0, "revocations": revocation_lookups}


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


def test_the_demo_page_is_served_with_a_csrf_cookie(client):
    response = client.get("/")

    assert response.status_code == 200
    assert b"auth-config" in response.content
    assert "csrftoken" in response.cookies


def test_echo_returns_a_json_body(signed_in, user):
    response = signed_in.client.post("/api/echo/", {"note": "hi", "n": 1}, format="json", **signed_in.auth_header())

    assert response.status_code == 200
    assert response.json() == {"received": {"note": "hi", "n": "1"}, "user_id": user.pk}


def test_echo_returns_a_multipart_form(signed_in):
    response = signed_in.client.post("/api/echo/", {"note": "hi"}, format="multipart", **signed_in.auth_header())

    assert response.status_code == 200
    assert response.json()["received"] == {"note": "hi"}


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "{bad json"], ids=["list", "string", "malformed"])
def test_echo_refuses_what_is_not_an_object_with_400(signed_in, body):
    response = signed_in.client.generic(
        "POST", "/api/echo/", body, content_type="application/json", **signed_in.auth_header()
    )

    assert response.status_code == 400
    assert response.json()["code"] in {"parse_error", "invalid"}


def test_echo_requires_an_access_token(api_client):
    assert api_client.post("/api/echo/", {"note": "hi"}, format="json").status_code == 401
