"""The /api/app/ endpoints of a cookie-mode project: the refresh token in JSON bodies, no cookie, no CSRF."""

import pytest
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.authentication.models import TokenFamily

from tests.support import PASSWORD

CREDENTIALS = {"username": "alice", "password": PASSWORD}


@pytest.fixture
def app(user):
    """A client that is no browser: it enforces CSRF as Django would, and never sends a CSRF token."""
    return APIClient(enforce_csrf_checks=True)


def app_sign_in(app) -> dict:
    response = app.post("/api/app/token/", CREDENTIALS, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def app_refresh(app, refresh: str):
    return app.post("/api/app/token/refresh/", {"refresh": refresh}, format="json")


def test_signing_in_returns_the_refresh_token_in_the_body_and_sets_no_cookie(app):
    response = app.post("/api/app/token/", CREDENTIALS, format="json")

    assert response.status_code == 200
    assert set(response.json()) == {"access", "expires_in", "refresh"}
    assert not response.cookies
    assert TokenFamily.objects.filter(revoked_at__isnull=True).count() == 1
{%- if cookiecutter.rotate_refresh_tokens == "yes" %}


def test_refreshing_rotates_the_token_in_the_body_without_csrf_or_cookies(app):
    tokens = app_sign_in(app)

    response = app_refresh(app, tokens["refresh"])

    assert response.status_code == 200
    assert response.json()["refresh"] != tokens["refresh"]
    assert not response.cookies
{%- endif %}
{%- if cookiecutter.reuse_detection == "yes" %}


def test_replaying_a_rotated_app_token_revokes_the_session(app, settings):
    settings.JWT_ROTATION_GRACE_SECONDS = 0
    stolen = app_sign_in(app)["refresh"]
    newest = app_refresh(app, stolen).json()["refresh"]

    assert app_refresh(app, stolen).json()["code"] == "token_reused"
    assert app_refresh(app, newest).status_code == 401
    assert TokenFamily.objects.get().revoked_reason == TokenFamily.Reason.REUSE
{%- endif %}


def test_logging_out_with_the_body_token_ends_the_session(app):
    tokens = app_sign_in(app)

    bearer = f"Bearer {tokens['access']}"
    response = app.post(
        "/api/app/auth/logout/", {"refresh": tokens["refresh"]}, format="json", HTTP_AUTHORIZATION=bearer
    )

    assert response.status_code == 205
    assert not response.cookies
    assert app_refresh(app, tokens["refresh"]).json()["code"] in {"session_revoked", "token_blacklisted"}


def test_the_app_refresh_endpoint_reads_no_cookie(app, signed_in):
    """A browser's refresh cookie sent along is ignored: only the body counts."""
    app.cookies = signed_in.client.cookies

    response = app.post("/api/app/token/refresh/", {}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_app_sign_ins_count_against_the_same_sign_in_limit(app, settings, auth):
    settings.JWT_THROTTLE_RATES = {**settings.JWT_THROTTLE_RATES, "login": "1/minute"}
    app_sign_in(app)

    assert auth.login().status_code == 429


def test_app_sessions_are_listed_and_ended_like_any_other(app, signed_in):
    tokens = app_sign_in(app)
    app_session = next(entry for entry in signed_in.get("/api/auth/sessions/").json() if not entry["current"])

    assert signed_in.delete(f"/api/auth/sessions/{app_session['id']}/").status_code == 204
    assert app_refresh(app, tokens["refresh"]).status_code == 401
