"""Brute force: sign-in and refresh attempts per client IP are limited, then answered with 429."""

from django.test import override_settings

RATES = {"login": "3/minute", "refresh": "2/minute"}


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

    elsewhere = make_auth()
    response = elsewhere.client.post(
        "/api/token/",
        {"username": "alice", "password": "correct horse battery staple"},
        format="json",
        REMOTE_ADDR="203.0.113.7",
    )

    assert response.status_code == 200
