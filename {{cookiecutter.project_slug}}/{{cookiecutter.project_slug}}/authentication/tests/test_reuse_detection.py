"""Spent refresh tokens: single use, a grace window for the previous one, reuse detection."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from {{ cookiecutter.project_slug }}.authentication import sessions
from {{ cookiecutter.project_slug }}.authentication.exceptions import TokenBlacklisted, TokenReused
from {{ cookiecutter.project_slug }}.authentication.models import TokenFamily
from {{ cookiecutter.project_slug }}.authentication.tokens import RefreshToken


@override_settings(JWT_ROTATION_GRACE_SECONDS=0)
def test_a_rotated_refresh_token_cannot_be_spent_again(signed_in):
    old = signed_in.refresh_token
    signed_in.refresh()

    response = signed_in.refresh(old)

    assert response.status_code == 401
    assert response.json()["code"] in {"token_reused", "token_blacklisted"}


@override_settings(JWT_REUSE_DETECTION=True, JWT_ROTATION_GRACE_SECONDS=0)
def test_replaying_a_spent_token_revokes_the_whole_family(signed_in, make_auth):
    stolen = signed_in.refresh_token
    signed_in.refresh()  # the victim rotates; the thief still holds the old token
    thief = make_auth()

    replay = thief.refresh(stolen)

    assert replay.status_code == 401
    assert replay.json()["code"] == "token_reused"
    assert signed_in.refresh().status_code == 401  # the victim's current token is dead too
    assert TokenFamily.objects.get().revoked_reason == TokenFamily.Reason.REUSE


@override_settings(JWT_REUSE_DETECTION=True, JWT_ROTATION_GRACE_SECONDS=0)
def test_reuse_detection_spares_the_users_other_sessions(signed_in, make_auth):
    laptop = make_auth()
    laptop.login()
    stolen = signed_in.refresh_token
    signed_in.refresh()

    make_auth().refresh(stolen)

    assert laptop.refresh().status_code == 200
    assert laptop.get("/api/me/").status_code == 200


@override_settings(JWT_REUSE_DETECTION=True, JWT_ROTATION_GRACE_SECONDS=0)
def test_reuse_detection_ends_the_familys_access_tokens_too(signed_in, make_auth):
    stolen = signed_in.refresh_token
    signed_in.refresh()
    current_access = signed_in.access

    make_auth().refresh(stolen)

    response = signed_in.client.get("/api/me/", **signed_in.auth_header(current_access))

    expected = 401 if sessions.session_policy().revoke_access_on_logout else 200
    assert response.status_code == expected


@override_settings(JWT_REUSE_DETECTION=False, JWT_ROTATION_GRACE_SECONDS=0)
def test_without_reuse_detection_a_replay_is_refused_but_the_family_lives(signed_in, make_auth):
    stolen = signed_in.refresh_token
    signed_in.refresh()

    replay = make_auth().refresh(stolen)

    assert replay.status_code == 401
    assert replay.json()["code"] == "token_blacklisted"
    assert signed_in.refresh().status_code == 200


def spend_and_replay(raw, seconds_later):
    """Rotate `raw`, then replay it as if `seconds_later` seconds had passed."""
    sessions.refresh_session(raw)
    TokenFamily.objects.update(last_rotated_at=timezone.now() - timedelta(seconds=seconds_later))
    return sessions.refresh_session(raw)


@override_settings(JWT_ROTATION_GRACE_SECONDS=10, JWT_REUSE_DETECTION=True)
def test_the_previous_token_inside_the_grace_window_gets_a_fresh_pair(signed_in):
    family_id = RefreshToken(signed_in.refresh_token).family_id

    issued = spend_and_replay(signed_in.refresh_token, seconds_later=9)

    assert issued.refresh.family_id == family_id
    assert TokenFamily.objects.get().revoked_at is None


@override_settings(JWT_ROTATION_GRACE_SECONDS=10, JWT_REUSE_DETECTION=True)
def test_the_previous_token_at_the_grace_boundary_is_reuse(signed_in):
    with pytest.raises(TokenReused):
        spend_and_replay(signed_in.refresh_token, seconds_later=10)

    assert TokenFamily.objects.get().revoked_reason == TokenFamily.Reason.REUSE


@override_settings(JWT_ROTATION_GRACE_SECONDS=10, JWT_REUSE_DETECTION=True)
def test_an_older_generation_inside_the_grace_window_is_reuse(signed_in):
    first = signed_in.refresh_token
    second = sessions.refresh_session(first).refresh
    sessions.refresh_session(str(second))  # `first` is now two generations back

    with pytest.raises(TokenReused):
        sessions.refresh_session(first)


@override_settings(JWT_ROTATION_GRACE_SECONDS=10, JWT_REUSE_DETECTION=False)
def test_outside_the_grace_window_without_reuse_detection_is_plainly_refused(signed_in):
    with pytest.raises(TokenBlacklisted):
        spend_and_replay(signed_in.refresh_token, seconds_later=11)
