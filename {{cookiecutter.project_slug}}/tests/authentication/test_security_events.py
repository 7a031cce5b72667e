"""Security events: a signal and one JSON log line each, for an operator to alert on."""

import json
import logging

import pytest

from {{ cookiecutter.project_slug }}.authentication import events
from {{ cookiecutter.project_slug }}.authentication.clients import Client

SECURITY_LOGGER = "{{ cookiecutter.project_slug }}.security"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"
LAPTOP = "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"


@pytest.fixture
def received():
    """Return the list of (signal name, arguments) every security signal receives during the test."""
    calls = []
    receivers = {}
    for name in ("refresh_token_reused", "session_ended_by_cap", "sign_in_from_new_client"):
        receivers[name] = lambda sender, signal, name=name, **kwargs: calls.append((name, kwargs))
        getattr(events, name).connect(receivers[name], weak=False)
    yield calls
    for name, receiver in receivers.items():
        getattr(events, name).disconnect(receiver)


def logged_events(caplog) -> list[dict]:
    return [json.loads(record.getMessage()) for record in caplog.records if record.name == SECURITY_LOGGER]


def sign_in_from(make_auth, user_agent: str):
    session = make_auth()
    session.client.defaults["HTTP_USER_AGENT"] = user_agent
    assert session.login().status_code == 200
    return session


def current_session_id(session) -> str:
    return next(entry["id"] for entry in session.get("/api/auth/sessions/").json() if entry["current"])


def test_a_sign_in_from_a_new_client_is_reported(caplog, received, make_auth, user):
    caplog.set_level(logging.WARNING, logger=SECURITY_LOGGER)

    phone = sign_in_from(make_auth, PHONE)

    session_id = current_session_id(phone)
    client = Client(ip_address="127.0.0.1", user_agent=PHONE)
    assert received == [("sign_in_from_new_client", {"session_id": session_id, "user_id": user.pk, "client": client})]
    client_fields = {"ip_address": "127.0.0.1", "user_agent": PHONE}
    line = {"event": "sign_in_from_new_client", "session_id": session_id, "user_id": user.pk, "client": client_fields}
    assert logged_events(caplog) == [line]


def test_a_sign_in_from_a_client_with_an_open_session_is_not_reported(received, make_auth, user):
    sign_in_from(make_auth, PHONE)

    sign_in_from(make_auth, PHONE)

    assert [name for name, _ in received] == ["sign_in_from_new_client"]


def test_a_sign_in_from_a_client_whose_sessions_all_ended_is_reported_again(received, make_auth, user):
    sign_in_from(make_auth, PHONE).logout()

    sign_in_from(make_auth, PHONE)

    assert [name for name, _ in received] == ["sign_in_from_new_client"] * 2


def test_a_sign_in_with_the_same_user_agent_from_another_address_is_reported(received, make_auth, user):
    sign_in_from(make_auth, PHONE)
    elsewhere = make_auth()
    elsewhere.client.defaults.update(HTTP_USER_AGENT=PHONE, REMOTE_ADDR="203.0.113.9")

    assert elsewhere.login().status_code == 200

    assert [name for name, _ in received] == ["sign_in_from_new_client"] * 2


def test_a_second_sign_in_from_an_unknown_address_is_not_reported(settings, received, make_auth, user):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}  # trust X-Forwarded-For
    for _ in range(2):
        session = make_auth()
        session.client.defaults.update(HTTP_USER_AGENT=PHONE, HTTP_X_FORWARDED_FOR="not-an-address")
        assert session.login().status_code == 200

    assert [name for name, _ in received] == ["sign_in_from_new_client"]


def test_a_session_ended_by_the_cap_is_reported(
    settings, caplog, received, make_auth, user, django_capture_on_commit_callbacks
):
    settings.JWT_MAX_SESSIONS_PER_USER = 1
    caplog.set_level(logging.WARNING, logger=SECURITY_LOGGER)
    first = sign_in_from(make_auth, PHONE)
    first_id = current_session_id(first)

    with django_capture_on_commit_callbacks(execute=True):
        sign_in_from(make_auth, PHONE)

    assert ("session_ended_by_cap", {"session_id": first_id, "user_id": user.pk}) in received
    expected_line = {"event": "session_ended_by_cap", "session_id": first_id, "user_id": user.pk}
    assert expected_line in logged_events(caplog)
{%- if cookiecutter.reuse_detection == "yes" %}


def test_a_reused_refresh_token_is_reported_with_both_clients(settings, caplog, received, make_auth, user):
    settings.JWT_ROTATION_GRACE_SECONDS = 0
    caplog.set_level(logging.WARNING, logger=SECURITY_LOGGER)
    victim = sign_in_from(make_auth, LAPTOP)
    session_id = current_session_id(victim)
    stolen = victim.refresh_token
    assert victim.refresh().status_code == 200  # the victim rotates; `stolen` is spent
    thief = make_auth()
    thief.client.defaults.update(HTTP_USER_AGENT=PHONE, REMOTE_ADDR="203.0.113.9")

    assert thief.refresh(stolen).json()["code"] == "token_reused"

    reused = [arguments for name, arguments in received if name == "refresh_token_reused"]
    assert reused == [
        {
            "session_id": session_id,
            "user_id": user.pk,
            "last_use": Client(ip_address="127.0.0.1", user_agent=LAPTOP),
            "replay": Client(ip_address="203.0.113.9", user_agent=PHONE),
        }
    ]
    line = next(logged for logged in logged_events(caplog) if logged["event"] == "refresh_token_reused")
    assert line["replay"] == {"ip_address": "203.0.113.9", "user_agent": PHONE}
{%- endif %}
