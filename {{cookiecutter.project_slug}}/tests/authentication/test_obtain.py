"""POST /api/token/: sign in with a username and password."""

import math
import time

import pytest
from django.conf import settings
from django.contrib.auth.hashers import get_hasher
from rest_framework_simplejwt.tokens import AccessToken

from {{ cookiecutter.project_slug }}.authentication.tokens import FAMILY_CLAIM, RefreshToken

from tests.support import CUSTOM_CLAIMS


def test_obtain_returns_an_access_token_and_its_lifetime(auth):
    before = time.time()
    response = auth.login()
    after = time.time()

    assert response.status_code == 200
    access = AccessToken(response.data["access"])
    lifetime = int(settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"].total_seconds())
    assert access["exp"] - access["iat"] == lifetime
    # Whole seconds left at some moment while the request ran (bounded by the clock read on
    # either side, so a slow machine cannot fail it): never more than the token really has.
    assert math.floor(access["exp"] - after) <= response.data["expires_in"] <= access["exp"] - before
    assert response.data["expires_in"] <= lifetime
    assert auth.refresh_token is not None


# Every user field the custom_claims prompt offers.
USER_FIELDS = ("username", "email", "first_name", "last_name", "is_staff", "is_superuser")


def user_fields_in(token) -> dict:
    """Return the user fields this token carries, with their values."""
    return {field: token[field] for field in USER_FIELDS if field in token}


def test_obtain_puts_exactly_the_custom_claims_in_both_tokens(auth, user):
    """The fields custom_claims names, with the user's values, and no other user field."""
    auth.login()

    expected = {claim: getattr(user, claim) for claim in CUSTOM_CLAIMS}
    assert user_fields_in(AccessToken(auth.access)) == expected
    assert user_fields_in(RefreshToken(auth.refresh_token)) == expected


def test_obtain_gives_both_tokens_the_same_session_and_user(auth, user):
    auth.login()

    access = AccessToken(auth.access)
    refresh = RefreshToken(auth.refresh_token)
    assert access[FAMILY_CLAIM] == refresh[FAMILY_CLAIM]
    assert access["user_id"] == refresh["user_id"] == str(user.pk)


def test_obtain_refuses_a_wrong_password(auth):
    response = auth.login(password="wrong")

    assert response.status_code == 401
    assert response.data["code"] == "no_active_account"
    assert "access" not in response.data


def test_obtain_answers_an_unknown_user_exactly_like_a_wrong_password(auth):
    unknown = auth.login(username="nobody")
    wrong = auth.login(password="wrong")

    assert unknown.status_code == wrong.status_code == 401
    assert unknown.data == wrong.data


@pytest.fixture
def hashings(monkeypatch):
    """Return a list that records every password the configured hasher hashes from now on."""
    hasher = type(get_hasher())
    calls, encode = [], hasher.encode

    def counting_encode(self, password, *args, **kwargs):
        calls.append(password)
        return encode(self, password, *args, **kwargs)

    monkeypatch.setattr(hasher, "encode", counting_encode)
    return calls


def hashings_during(hashings, sign_in) -> int:
    hashings.clear()
    assert sign_in().status_code == 401
    return len(hashings)


def test_obtain_hashes_the_password_for_an_unknown_user_as_for_a_wrong_password(auth, user, hashings):
    """Counted, not timed: test settings use a fast hasher, so a stopwatch would prove nothing.

    A login that skipped the hasher for an unknown username would answer measurably faster
    with a real hasher, and so tell which usernames exist.
    """
    unknown = hashings_during(hashings, lambda: auth.login(username="nobody"))
    wrong_password = hashings_during(hashings, lambda: auth.login(password="wrong"))
    user.is_active = False
    user.save()
    inactive = hashings_during(hashings, lambda: auth.login())

    assert unknown == wrong_password == inactive == 1


def test_obtain_refuses_an_inactive_user(auth, user):
    user.is_active = False
    user.save()

    assert auth.login().status_code == 401


@pytest.mark.parametrize(
    "body",
    [{}, {"username": "alice"}, {"password": "x"}, {"username": "", "password": ""}, ["alice"], "alice", 42],
    ids=["empty", "no-password", "no-username", "blank", "list", "string", "number"],
)
def test_obtain_refuses_malformed_bodies_with_a_json_400(api_client, user, body):
    response = api_client.post("/api/token/", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
