"""Session families: the absolute session lifetime and the housekeeping of old rows."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

from {{ cookiecutter.project_slug }}.authentication.models import TokenFamily
from {{ cookiecutter.project_slug }}.authentication.tokens import RefreshToken


@override_settings(JWT_MAX_SESSION=timedelta(days=30))
def test_signing_in_starts_the_sessions_clock(auth):
    auth.login()

    family = TokenFamily.objects.get()
    assert family.expires_at == family.created_at + timedelta(days=30)
    assert RefreshToken(auth.refresh_token).expires_at <= family.expires_at


@override_settings(JWT_MAX_SESSION=None)
def test_without_a_limit_an_old_session_goes_on(auth):
    auth.login()
    TokenFamily.objects.update(created_at=timezone.now() - timedelta(days=3650))

    assert TokenFamily.objects.get().expires_at is None
    assert auth.refresh().status_code == 200


@override_settings(JWT_MAX_SESSION=timedelta(days=30))
def test_a_session_older_than_its_limit_cannot_refresh(signed_in):
    TokenFamily.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = signed_in.refresh()

    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"


def refresh_near_the_sessions_limit(session):
    """Bring the session's limit to 30 s from now (sooner than either token would expire), refresh; return it."""
    limit = timezone.now() + timedelta(seconds=30)
    TokenFamily.objects.update(expires_at=limit)
    assert session.refresh().status_code == 200
    return limit


@override_settings(JWT_MAX_SESSION=timedelta(days=30))
def test_no_access_token_outlives_its_sessions_limit(signed_in):
    limit = refresh_near_the_sessions_limit(signed_in)

    assert AccessToken(signed_in.access)["exp"] <= limit.timestamp()
{%- if cookiecutter.rotate_refresh_tokens == "yes" %}


@override_settings(JWT_MAX_SESSION=timedelta(days=30))
def test_no_rotated_refresh_token_outlives_its_sessions_limit(signed_in):
    limit = refresh_near_the_sessions_limit(signed_in)

    assert RefreshToken(signed_in.refresh_token).expires_at <= limit
{%- endif %}


def test_flushexpiredtokens_deletes_sessions_that_can_issue_no_more_tokens(signed_in, make_auth):
    other = make_auth()
    other.login()
    long_ago = timezone.now() - timedelta(days=400)
    TokenFamily.objects.filter(pk=TokenFamily.objects.first().pk).update(created_at=long_ago, last_rotated_at=None)

    call_command("flushexpiredtokens")

    assert TokenFamily.objects.count() == 1


@pytest.mark.parametrize(
    ("limit_at_sign_in", "age", "limit_now"),
    [(None, timedelta(days=31), timedelta(days=30)), (timedelta(days=30), timedelta(days=8), timedelta(days=7))],
    ids=["limit-set-later", "limit-lowered"],
)
def test_a_new_session_limit_ends_sessions_begun_under_the_old_one(auth, settings, limit_at_sign_in, age, limit_now):
    settings.JWT_MAX_SESSION = limit_at_sign_in
    auth.login()
    TokenFamily.objects.update(created_at=timezone.now() - age)

    settings.JWT_MAX_SESSION = limit_now
    response = auth.refresh()

    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"


def refresh_after_lowering_the_session_limit(auth, settings):
    """Sign in under a 30-day limit, lower it to 7 days that end in 30 s, refresh; return that end."""
    settings.JWT_MAX_SESSION = timedelta(days=30)
    auth.login()
    limit = timezone.now() + timedelta(seconds=30)  # sooner than either token would expire
    TokenFamily.objects.update(created_at=limit - timedelta(days=7))
    settings.JWT_MAX_SESSION = timedelta(days=7)
    assert auth.refresh().status_code == 200
    return limit


def test_a_lowered_session_limit_caps_the_access_token_a_refresh_hands_out(auth, settings):
    limit = refresh_after_lowering_the_session_limit(auth, settings)

    assert AccessToken(auth.access)["exp"] <= limit.timestamp()
{%- if cookiecutter.rotate_refresh_tokens == "yes" %}


def test_a_lowered_session_limit_caps_the_refresh_token_a_refresh_hands_out(auth, settings):
    limit = refresh_after_lowering_the_session_limit(auth, settings)

    assert RefreshToken(auth.refresh_token).expires_at <= limit
{%- endif %}


def test_flushexpiredtokens_deletes_sessions_past_the_limit_the_settings_set_now(auth, settings):
    settings.JWT_MAX_SESSION = None
    auth.login()
    # Refreshed just now, so it is not idle: only the new limit ends it.
    TokenFamily.objects.update(created_at=timezone.now() - timedelta(days=31), last_rotated_at=timezone.now())

    settings.JWT_MAX_SESSION = timedelta(days=30)
    call_command("flushexpiredtokens")

    assert not TokenFamily.objects.exists()


def test_flushexpiredtokens_keeps_a_session_until_its_leeway_has_passed(signed_in, settings):
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "LEEWAY": 10}
    TokenFamily.objects.update(expires_at=timezone.now() - timedelta(seconds=5))

    call_command("flushexpiredtokens")

    assert TokenFamily.objects.exists()
    assert signed_in.refresh().json()["code"] == "session_expired"  # not session_revoked
