"""Changes to what a user's tokens stand for end the user's sessions (security review, finding 5).

A demoted admin, a password made unusable, a claimed field changed: without this, tokens
claiming the old values lived on, and every refresh handed out more of them.
"""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.test import override_settings

from {{ cookiecutter.project_slug }}.authentication.models import TokenFamily

from tests.support import PASSWORD

NO_CLAIMS = override_settings(JWT_CUSTOM_CLAIMS=[])
EMAIL_CLAIMED = override_settings(JWT_CUSTOM_CLAIMS=["email"])


def open_sessions(user) -> int:
    return TokenFamily.objects.filter(user=user, revoked_at__isnull=True).count()


def assert_signed_out(device) -> None:
    refused = device.refresh()
    assert refused.status_code == 401
    assert refused.json()["code"] in {"session_revoked", "token_blacklisted"}


@NO_CLAIMS
def test_taking_staff_away_ends_the_sessions_even_when_is_staff_is_not_a_claim(signed_in, user):
    user.is_staff = False
    user.save()

    assert_signed_out(signed_in)


@NO_CLAIMS
def test_taking_superuser_away_ends_the_sessions(signed_in, user):
    type(user).objects.filter(pk=user.pk).update(is_superuser=True)  # made superuser behind the signals
    user.refresh_from_db()

    user.is_superuser = False
    user.save()

    assert_signed_out(signed_in)


def test_making_the_password_unusable_ends_the_sessions(signed_in, user):
    user.set_unusable_password()
    user.save()

    assert_signed_out(signed_in)


def test_writing_another_password_hash_ends_the_sessions(signed_in, user):
    user.password = make_password("a password set by hand")
    user.save(update_fields=["password"])

    assert_signed_out(signed_in)


@EMAIL_CLAIMED
def test_changing_a_claimed_field_ends_the_sessions(signed_in, user):
    user.email = "alice@elsewhere.example"
    user.save()

    assert_signed_out(signed_in)


@EMAIL_CLAIMED
@pytest.mark.parametrize("change", ["first_name", "nothing"])
def test_a_field_no_token_carries_or_an_unchanged_save_leaves_the_sessions_alone(signed_in, user, change):
    if change == "first_name":
        user.first_name = "Alicia"
    user.save()

    assert open_sessions(user) == 1
    assert signed_in.refresh().status_code == 200


@NO_CLAIMS
def test_granting_a_privilege_that_is_not_a_claim_leaves_the_sessions_alone(signed_in, user):
    user.is_superuser = True
    user.save()

    assert open_sessions(user) == 1


def test_djangos_rehash_at_sign_in_leaves_the_other_sessions_alone(signed_in, make_auth, user, settings):
    """check_password() re-hashes a password stored with an outdated work factor: the same password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    outdated = PBKDF2PasswordHasher().encode(PASSWORD, "somesalt", iterations=1)
    type(user).objects.filter(pk=user.pk).update(password=outdated)

    assert make_auth().login().status_code == 200

    user.refresh_from_db()
    assert user.password != outdated  # re-hashed with today's iterations
    assert signed_in.refresh().status_code == 200
