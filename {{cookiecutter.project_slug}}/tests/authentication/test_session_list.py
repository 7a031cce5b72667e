"""The caller's sessions: list them, end one (a lost device), end all the others."""

import pytest
{%- if cookiecutter.revoke_access_on_logout == "yes" %}
from django.test import override_settings
{%- endif %}

from {{ cookiecutter.project_slug }}.authentication.models import TokenFamily

SESSIONS = "/api/auth/sessions/"
LOGOUT_OTHERS = "/api/auth/logout-others/"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"
LAPTOP = "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"


def signed_in_with(make_auth, user_agent: str, username: str = "alice"):
    session = make_auth()
    session.client.defaults["HTTP_USER_AGENT"] = user_agent
    assert session.login(username).status_code == 200
    return session


@pytest.fixture
def laptop(make_auth, user):
    return signed_in_with(make_auth, LAPTOP)


@pytest.fixture
def phone(make_auth, laptop):
    """alice's second session, begun after the laptop's."""
    return signed_in_with(make_auth, PHONE)


def session_id_of(session) -> str:
    """Return the id of the session `session` holds, as the list shows it."""
    return next(entry["id"] for entry in session.get(SESSIONS).json() if entry["current"])


def open_session_count(user) -> int:
    return TokenFamily.objects.filter(user=user, revoked_at__isnull=True).count()


def test_two_sign_ins_list_two_sessions_newest_first_with_the_current_one_marked(laptop, phone):
    response = laptop.get(SESSIONS)

    assert response.status_code == 200
    listed = response.json()
    assert [(entry["user_agent"], entry["current"]) for entry in listed] == [(PHONE, False), (LAPTOP, True)]
    assert {entry["ip_address"] for entry in listed} == {"127.0.0.1"}
    assert set(listed[0]) == {"id", "created_at", "last_used_at", "expires_at", "user_agent", "ip_address", "current"}


def test_an_ended_session_is_no_longer_listed(laptop, phone):
    assert phone.logout().status_code == 205

    assert [entry["user_agent"] for entry in laptop.get(SESSIONS).json()] == [LAPTOP]


def test_ending_another_session_refuses_its_refresh_token(laptop, phone):
    response = laptop.delete(f"{SESSIONS}{session_id_of(phone)}/")

    assert response.status_code == 204
    assert phone.refresh().status_code == 401
    assert TokenFamily.objects.get(user_agent=PHONE).revoked_reason == TokenFamily.Reason.ENDED_BY_USER


def test_ending_another_session_leaves_the_current_one_working(laptop, phone):
    laptop.delete(f"{SESSIONS}{session_id_of(phone)}/")

    assert laptop.refresh().status_code == 200
    assert laptop.get("/api/me/").status_code == 200
{%- if cookiecutter.revoke_access_on_logout == "yes" %}


@override_settings(JWT_REVOKE_ACCESS_ON_LOGOUT=True)
def test_ending_another_session_refuses_its_access_token_at_once(laptop, phone):
    laptop.delete(f"{SESSIONS}{session_id_of(phone)}/")

    response = phone.get("/api/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "session_revoked"
{%- endif %}


def test_ending_another_users_session_is_not_found_and_changes_nothing(make_auth, laptop, other_user):
    bob = signed_in_with(make_auth, PHONE, username="bob")

    response = bob.delete(f"{SESSIONS}{session_id_of(laptop)}/")

    assert response.status_code == 404
    assert response.json()["code"] == "session_not_found"
    assert laptop.refresh().status_code == 200
    assert not TokenFamily.objects.filter(revoked_at__isnull=False).exists()


@pytest.mark.parametrize(
    "session_id",
    ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "00000000000040008000000000000000", "%00", "1" * 5000],
    ids=["unknown", "not-a-uuid", "uuid-without-dashes", "nul", "very-long"],
)
def test_an_unknown_or_malformed_session_id_is_the_same_404(laptop, session_id):
    response = laptop.delete(f"{SESSIONS}{session_id}/")

    assert response.status_code == 404
    assert response.json()["code"] == "session_not_found"


def test_ending_a_session_already_ended_is_not_found(laptop, phone):
    phone_id = session_id_of(phone)
    laptop.delete(f"{SESSIONS}{phone_id}/")

    assert laptop.delete(f"{SESSIONS}{phone_id}/").status_code == 404


def test_logout_others_leaves_exactly_the_current_session(make_auth, laptop, phone, user):
    tablet = signed_in_with(make_auth, "Tablet")

    response = laptop.logout(LOGOUT_OTHERS)

    assert response.status_code == 205
    assert [entry["user_agent"] for entry in laptop.get(SESSIONS).json()] == [LAPTOP]
    assert phone.refresh().status_code == 401
    assert tablet.refresh().status_code == 401
    assert laptop.refresh().status_code == 200


def test_logout_others_leaves_other_users_sessions_alone(make_auth, laptop, other_user):
    bob = signed_in_with(make_auth, PHONE, username="bob")

    laptop.logout(LOGOUT_OTHERS)

    assert bob.refresh().status_code == 200


def test_the_session_endpoints_want_an_access_token(api_client, laptop):
    session_id = session_id_of(laptop)

    assert api_client.get(SESSIONS).status_code == 401
    assert api_client.delete(f"{SESSIONS}{session_id}/").status_code == 401
    assert api_client.post(LOGOUT_OTHERS).status_code == 401
    assert laptop.refresh().status_code == 200
