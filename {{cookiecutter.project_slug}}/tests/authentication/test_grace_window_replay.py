"""A replay inside the grace window gets an access token only (security review, finding 1).

Handing it the session's newest refresh token let a thief who watched for the victim's
rotation replay at once and ride along, rotation after rotation, never detected.
"""

from datetime import timedelta
from types import SimpleNamespace

from django.test import override_settings
from django.utils import timezone

from {{ cookiecutter.project_slug }}.authentication import sessions
from {{ cookiecutter.project_slug }}.authentication.models import TokenFamily

GRACE = override_settings(JWT_ROTATION_GRACE_SECONDS=10, JWT_REUSE_DETECTION=True)


def refresh_cookie_set(response) -> bool:
    return any(name.endswith("refresh_token") and morsel.value for name, morsel in response.cookies.items())


@GRACE
def test_a_replay_inside_the_grace_window_answers_an_access_token_and_no_refresh_token(signed_in, make_auth):
    stolen = signed_in.refresh_token
    assert signed_in.refresh().status_code == 200
    thief = make_auth()

    replay = thief.refresh(stolen)

    assert replay.status_code == 200
    assert "refresh" not in replay.json()
    assert not refresh_cookie_set(replay)
    assert thief.get("/api/me/").status_code == 200  # the access token it got works


@GRACE
def test_the_replayed_token_is_reuse_once_the_window_has_passed_even_after_a_grace_answer(
    signed_in, make_auth, monkeypatch
):
    spent_at = timezone.now()
    stolen = signed_in.refresh_token
    assert signed_in.refresh().status_code == 200
    thief = make_auth()
    assert thief.refresh(stolen).status_code == 200
    later = spent_at + timedelta(seconds=11)
    monkeypatch.setattr(sessions, "timezone", SimpleNamespace(now=lambda: later))

    replay = thief.refresh(stolen)

    assert replay.status_code == 401
    assert replay.json()["code"] == "token_reused"
    assert TokenFamily.objects.get().revoked_reason == TokenFamily.Reason.REUSE
