"""The sessions one user may hold (JWT_MAX_SESSIONS_PER_USER): a sign-in beyond them ends the least recently used."""

from datetime import timedelta

import pytest
{%- if cookiecutter.revoke_access_on_logout == "yes" %}
from django.test import override_settings
{%- endif %}
from django.utils import timezone

from {{ cookiecutter.project_slug }}.authentication.models import TokenFamily

from tests.support.servers import all_at_once
from tests.support.sessions import http_session

CONCURRENT_SIGN_INS = 20


def sign_in_times(make_auth, count: int) -> list:
    """Sign alice in `count` times, each on a client of its own; return the sessions."""
    sessions = [make_auth() for _ in range(count)]
    for session in sessions:
        assert session.login().status_code == 200
    return sessions


def open_sessions_of(user):
    return TokenFamily.objects.filter(user=user, revoked_at__isnull=True)


def test_a_sign_in_beyond_the_cap_ends_the_least_recently_used_session(settings, make_auth, user):
    settings.JWT_MAX_SESSIONS_PER_USER = 2
    first, second = sign_in_times(make_auth, 2)
    # The first began earlier but was used since: the second is the least recently used.
    TokenFamily.objects.update(last_used_at=timezone.now() - timedelta(hours=1))
    TokenFamily.objects.filter(pk=first_session_id(first)).update(last_used_at=timezone.now())

    sign_in_times(make_auth, 1)

    assert open_sessions_of(user).count() == 2
    assert second.refresh().json()["code"] == "session_revoked"
    assert first.refresh().status_code == 200
    assert TokenFamily.objects.get(revoked_at__isnull=False).revoked_reason == TokenFamily.Reason.SESSION_CAP


{% if cookiecutter.revoke_access_on_logout == "yes" -%}
@override_settings(JWT_REVOKE_ACCESS_ON_LOGOUT=True)
def test_a_session_ended_by_the_cap_loses_its_access_token_at_once(settings, make_auth, user):
    settings.JWT_MAX_SESSIONS_PER_USER = 1
    first = sign_in_times(make_auth, 1)[0]

    sign_in_times(make_auth, 1)

    assert first.get("/api/me/").json()["code"] == "session_revoked"


{% endif -%}
def test_the_cap_counts_each_users_sessions_apart(settings, make_auth, user, other_user):
    settings.JWT_MAX_SESSIONS_PER_USER = 1
    alice = sign_in_times(make_auth, 1)[0]

    assert make_auth().login("bob").status_code == 200

    assert alice.refresh().status_code == 200


def test_a_cap_of_zero_ends_no_session(settings, make_auth, user):
    settings.JWT_MAX_SESSIONS_PER_USER = 0

    sign_in_times(make_auth, 5)

    assert open_sessions_of(user).count() == 5


def first_session_id(session) -> str:
    return next(entry["id"] for entry in session.get("/api/auth/sessions/").json() if entry["current"])


@pytest.mark.live_server_process
def test_concurrent_sign_ins_of_one_user_never_leave_more_than_the_cap_open(start_server):
    cap = 5
    server = start_server(JWT_MAX_SESSIONS_PER_USER=str(cap))

    responses = all_at_once(CONCURRENT_SIGN_INS, lambda: http_session(server.url).login())

    assert [response.status_code for response in responses] == [200] * CONCURRENT_SIGN_INS
    assert len(open_sessions_seen_by_a_survivor(server, responses)) == cap


def open_sessions_seen_by_a_survivor(server, responses) -> list:
    """Return the sessions list as a sign-in still open sees it (a new sign-in would apply the cap again)."""
    observer = http_session(server.url)
    for response in responses:
        listed = observer.get("/api/auth/sessions/", response.data["access"])
        if listed.status_code == 200 and any(entry["current"] for entry in listed.data):
            return listed.data
    raise AssertionError("no sign-in's session is open")
