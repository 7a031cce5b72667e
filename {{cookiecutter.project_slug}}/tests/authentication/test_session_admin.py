"""The admin's sessions page: who, when, from where, whether and why ended; and ending the selected."""

import pytest

from {{ cookiecutter.project_slug }}.authentication.models import TokenFamily

CHANGELIST = "/admin/authentication/tokenfamily/"
LAPTOP = "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"


@pytest.fixture
def two_sessions(make_auth, user):
    """Two signed-in sessions of alice; the first from a laptop's browser."""
    sessions = [make_auth(), make_auth()]
    sessions[0].client.defaults["HTTP_USER_AGENT"] = LAPTOP
    for session in sessions:
        assert session.login().status_code == 200
    return sessions


def end_in_admin(admin_client, families):
    return admin_client.post(
        CHANGELIST,
        {"action": "end_selected_sessions", "_selected_action": [str(family.pk) for family in families]},
        follow=True,
    )


def test_the_sessions_page_shows_user_last_use_user_agent_address_and_why_ended(admin_client, two_sessions):
    two_sessions[1].logout()

    page = admin_client.get(CHANGELIST).content.decode()

    assert "alice" in page
    assert LAPTOP in page
    assert "127.0.0.1" in page
    assert "Last used at" in page
    assert "Logged out" in page


def test_ending_the_selected_sessions_refuses_their_refresh_tokens_and_no_others(admin_client, two_sessions):
    laptop, other = two_sessions

    response = end_in_admin(admin_client, TokenFamily.objects.filter(user_agent=LAPTOP))

    assert response.status_code == 200
    assert laptop.refresh().json()["code"] == "session_revoked"
    assert other.refresh().status_code == 200
    assert TokenFamily.objects.get(user_agent=LAPTOP).revoked_reason == TokenFamily.Reason.ENDED_BY_ADMIN


def test_ending_a_session_already_ended_keeps_why_it_ended(admin_client, two_sessions):
    two_sessions[0].logout()

    end_in_admin(admin_client, TokenFamily.objects.all())

    reasons = set(TokenFamily.objects.values_list("revoked_reason", flat=True))
    assert reasons == {TokenFamily.Reason.LOGOUT, TokenFamily.Reason.ENDED_BY_ADMIN}
