"""Brute force: sign-in and refresh attempts per client IP are limited, then answered with 429."""

import uuid

import pytest
from django.conf import settings
from django.test import override_settings

from tests.support import PASSWORD
from tests.support.sessions import http_session

RATES = {"login": "3/minute", "refresh": "2/minute"}
WRONG_PASSWORD = "guess"


def sign_in(client, password=WRONG_PASSWORD, **request):
    """POST alice's credentials; `request` sets REMOTE_ADDR or headers such as X-Forwarded-For."""
    return client.post("/api/token/", {"username": "alice", "password": password}, format="json", **request)


@override_settings(JWT_THROTTLE_RATES=RATES)
def test_too_many_sign_in_attempts_get_429_with_retry_after(auth):
    for _ in range(3):
        assert auth.login(password="guess").status_code == 401

    response = auth.login()  # even the right password waits now

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


@override_settings(JWT_THROTTLE_RATES=RATES)
def test_too_many_refreshes_get_429(signed_in):
    for _ in range(2):
        assert signed_in.refresh().status_code == 200

    response = signed_in.refresh()

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert "Retry-After" in response


@override_settings(JWT_THROTTLE_RATES=RATES)
def test_the_limit_is_per_client_ip(auth, make_auth):
    for _ in range(3):
        auth.login(password="guess")

    response = sign_in(make_auth().client, password=PASSWORD, REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 200


@override_settings(JWT_THROTTLE_RATES=RATES)
def test_a_forged_x_forwarded_for_buys_no_more_attempts(auth):
    for attempt in range(3):
        sign_in(auth.client, HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}")

    response = sign_in(auth.client, HTTP_X_FORWARDED_FOR="198.51.100.99")

    assert response.status_code == 429


@override_settings(JWT_THROTTLE_RATES=RATES, REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": 1})
def test_behind_a_trusted_proxy_the_forwarded_client_address_is_counted(auth):
    def attempt(client_ip):
        return sign_in(auth.client, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {client_ip}")  # the proxy appends

    for _ in range(3):
        assert attempt("203.0.113.5").status_code == 401

    assert attempt("203.0.113.5").status_code == 429
    assert attempt("203.0.113.6").status_code == 401


@pytest.mark.live_server_process
def test_server_processes_sharing_redis_count_attempts_together(start_server, redis_url):
    environment = {
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": f"test-{uuid.uuid4().hex}",  # this test's counts only
        "JWT_LOGIN_THROTTLE_RATE": "3/minute",
    }
    first, second = start_server(**environment), start_server(**environment)
    on_first, on_second = http_session(first.url), http_session(second.url)

    statuses = [session.login(password="guess").status_code for session in (on_first, on_second, on_first)]
    over_the_limit = on_second.login()

    assert statuses == [401, 401, 401]
    assert over_the_limit.status_code == 429
    assert over_the_limit.data["code"] == "throttled"
    assert 0 < int(over_the_limit.headers["Retry-After"]) <= 60


@override_settings(JWT_THROTTLE_RATES=RATES)
def test_the_admin_login_form_counts_against_the_same_sign_in_limit(auth, client, user):
    """The admin signs in staff: without this it would be an unlimited password oracle."""
    for _ in range(2):
        assert auth.login(password=WRONG_PASSWORD).status_code == 401
    assert client.post("/admin/login/", {"username": "alice", "password": WRONG_PASSWORD}).status_code == 200

    response = client.post("/admin/login/", {"username": "alice", "password": PASSWORD})

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert client.get("/admin/login/").status_code == 200  # the form itself is still served
    assert auth.login().status_code == 429
