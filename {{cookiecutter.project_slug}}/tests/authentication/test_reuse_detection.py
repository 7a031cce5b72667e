"""Spent refresh tokens: single use, a grace window for the previous one, reuse detection."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from {{ cookiecutter.project_slug }}.authentication import sessions
from {{ cookiecutter.project_slug }}.authentication.exceptions import SessionRevoked, TokenBlacklisted, TokenReused
from {{ cookiecutter.project_slug }}.authentication.models import TokenFamily
from {{ cookiecutter.project_slug }}.authentication.tokens import FAMILY_CLAIM, RefreshToken


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


@override_settings(JWT_REUSE_DETECTION=True, JWT_ROTATION_GRACE_SECONDS=0, JWT_REVOKE_ACCESS_ON_LOGOUT=True)
def test_reuse_detection_ends_the_familys_access_tokens_too_with_revoke_access_on_logout(signed_in, make_auth):
    stolen = signed_in.refresh_token
    signed_in.refresh()

    make_auth().refresh(stolen)

    assert signed_in.get("/api/me/").status_code == 401


@override_settings(JWT_REUSE_DETECTION=True, JWT_ROTATION_GRACE_SECONDS=0, JWT_REVOKE_ACCESS_ON_LOGOUT=False)
def test_without_revoke_access_on_logout_reuse_detection_leaves_access_tokens_to_their_expiry(signed_in, make_auth):
    stolen = signed_in.refresh_token
    signed_in.refresh()

    make_auth().refresh(stolen)

    assert signed_in.get("/api/me/").status_code == 200


@override_settings(JWT_REUSE_DETECTION=False, JWT_ROTATION_GRACE_SECONDS=0)
def test_without_reuse_detection_a_replay_is_refused_but_the_family_lives(signed_in, make_auth):
    stolen = signed_in.refresh_token
    signed_in.refresh()

    replay = make_auth().refresh(stolen)

    assert replay.status_code == 401
    assert replay.json()["code"] == "token_blacklisted"
    assert signed_in.refresh().status_code == 200


class SessionClock:
    """The session layer's clock, frozen where a test sets it."""

    def __init__(self, monkeypatch):
        self.now = timezone.now()
        monkeypatch.setattr(sessions, "timezone", SimpleNamespace(now=lambda: self.now))

    def advance(self, by: timedelta) -> None:
        self.now += by


def spend_and_replay(raw, after, monkeypatch):
    """Rotate `raw`, then replay it exactly `after` later; return both answers."""
    clock = SessionClock(monkeypatch)
    first = sessions.refresh_session(raw)
    clock.advance(after)
    return first, sessions.refresh_session(raw)


@override_settings(JWT_ROTATION_GRACE_SECONDS=10, JWT_REUSE_DETECTION=True)
def test_the_previous_token_inside_the_grace_window_gets_an_access_token_only(signed_in, monkeypatch):
    first, replay = spend_and_replay(signed_in.refresh_token, timedelta(seconds=9), monkeypatch)

    assert replay.refresh is None
    assert replay.access.get("jti") != first.access.get("jti")  # a fresh access token
    assert replay.access[FAMILY_CLAIM] == first.refresh.family_id
    assert TokenFamily.objects.get().revoked_at is None


@override_settings(JWT_ROTATION_GRACE_SECONDS=10, JWT_REUSE_DETECTION=True)
def test_the_previous_token_a_millisecond_before_the_grace_ends_still_gets_an_access_token(signed_in, monkeypatch):
    first, replay = spend_and_replay(signed_in.refresh_token, timedelta(seconds=10, milliseconds=-1), monkeypatch)

    assert replay.refresh is None
    assert replay.access[FAMILY_CLAIM] == first.refresh.family_id
    assert TokenFamily.objects.get().revoked_at is None


@override_settings(JWT_ROTATION_GRACE_SECONDS=10, JWT_REUSE_DETECTION=True)
def test_replays_inside_the_grace_window_never_fork_the_session(signed_in):
    raw = signed_in.refresh_token
    sessions.refresh_session(raw)
    records = OutstandingToken.objects.count()

    replays = [sessions.refresh_session(raw) for _ in range(5)]

    assert all(replay.refresh is None for replay in replays)
    assert OutstandingToken.objects.count() == records  # no refresh token was issued beside the first


@override_settings(JWT_ROTATION_GRACE_SECONDS=10, JWT_REUSE_DETECTION=True)
def test_a_thief_replaying_inside_the_grace_window_is_caught_once_it_has_passed(signed_in, monkeypatch):
    clock = SessionClock(monkeypatch)
    stolen = signed_in.refresh_token
    victims = sessions.refresh_session(stolen)
    clock.advance(timedelta(seconds=5))
    thiefs = sessions.refresh_session(stolen)  # inside the window: an access token, nothing to refresh with
    assert thiefs.refresh is None
    clock.advance(timedelta(seconds=6))

    with pytest.raises(TokenReused):
        sessions.refresh_session(stolen)

    assert TokenFamily.objects.get().revoked_reason == TokenFamily.Reason.REUSE
    with pytest.raises(SessionRevoked):
        sessions.refresh_session(victims.refresh_jwt)


@override_settings(JWT_ROTATION_GRACE_SECONDS=10, JWT_REUSE_DETECTION=True)
def test_the_previous_token_at_the_grace_boundary_is_reuse(signed_in, monkeypatch):
    with pytest.raises(TokenReused):
        spend_and_replay(signed_in.refresh_token, timedelta(seconds=10), monkeypatch)

    assert TokenFamily.objects.get().revoked_reason == TokenFamily.Reason.REUSE


@override_settings(JWT_ROTATION_GRACE_SECONDS=10, JWT_REUSE_DETECTION=True)
def test_an_older_generation_inside_the_grace_window_is_reuse(signed_in):
    first = signed_in.refresh_token
    second = sessions.refresh_session(first).refresh
    sessions.refresh_session(str(second))  # `first` is now two generations back

    with pytest.raises(TokenReused):
        sessions.refresh_session(first)


@override_settings(JWT_ROTATION_GRACE_SECONDS=10, JWT_REUSE_DETECTION=False)
def test_outside_the_grace_window_without_reuse_detection_is_plainly_refused(signed_in, monkeypatch):
    with pytest.raises(TokenBlacklisted):
        spend_and_replay(signed_in.refresh_token, timedelta(seconds=11), monkeypatch)


@override_settings(JWT_ROTATION_GRACE_SECONDS=10)
def test_a_grace_replay_racing_a_logout_gets_no_pair(signed_in, user, monkeypatch):
    raw = signed_in.refresh_token
    sessions.refresh_session(raw)
    read_before_the_logout = TokenFamily.objects.select_related("user").get()
    sessions.end_session(read_before_the_logout.pk, user.pk)
    records = OutstandingToken.objects.count()
    # The replay read the family while it was open; the logout committed before it wrote.
    monkeypatch.setattr(sessions, "live_family", lambda token: read_before_the_logout)

    with pytest.raises(SessionRevoked):
        sessions.refresh_session(raw)

    assert OutstandingToken.objects.count() == records


@override_settings(JWT_ROTATION_GRACE_SECONDS=0)
def test_a_spent_token_replayed_in_its_leeway_after_a_flush_is_still_refused(signed_in, settings):
    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "LEEWAY": 10}
    spent = RefreshToken(signed_in.refresh_token)
    assert signed_in.refresh().status_code == 200
    # Time passes: the spent token expired 5 s ago, inside the leeway simplejwt still accepts.
    spent.set_exp(lifetime=-timedelta(seconds=5))
    OutstandingToken.objects.filter(jti=spent.jti).update(expires_at=spent.expires_at)

    call_command("flushexpiredtokens")
    replay = signed_in.refresh(str(spent))

    assert replay.status_code == 401
    assert replay.json()["code"] in {"token_reused", "token_blacklisted"}
