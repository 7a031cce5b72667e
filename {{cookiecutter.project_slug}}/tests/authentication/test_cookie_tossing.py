"""Cookie tossing (security review, finding 6): a refresh cookie's name sent twice is refused and
the cookie cleared; with Secure cookies the __Host- prefix keeps other hosts from setting one."""

import pytest


@pytest.fixture
def token_then_secure(signed_in, settings):
    """Return the refresh token alice signed in with, then turn on Secure cookies (as in production)."""
    token = signed_in.refresh_token
    assert token
    settings.JWT_REFRESH_COOKIE_SECURE = True
    return token


def refresh_with_cookies(session, cookie_header):
    """POST to the refresh endpoint with exactly these cookies (plus the CSRF cookie) and the CSRF header."""
    csrf = session.csrf_header()
    cookie = f"{cookie_header}; csrftoken={session.client.cookies['csrftoken'].value}"
    return session.client.generic(
        "POST", "/api/token/refresh/", "{}", content_type="application/json", HTTP_COOKIE=cookie, **csrf
    )


def test_the_same_refresh_cookie_twice_is_refused_too(signed_in):
    token = signed_in.refresh_token
    assert token

    response = refresh_with_cookies(signed_in, f"refresh_token={token}; refresh_token={token}")

    assert response.status_code == 400
    assert response.json()["code"] == "refresh_cookie_duplicated"


def test_two_host_prefixed_cookies_are_refused_and_the_host_cookie_cleared_on_path_slash(signed_in, token_then_secure):
    token = token_then_secure

    response = refresh_with_cookies(signed_in, f"__Host-refresh_token={token}; __Host-refresh_token=planted")

    assert response.status_code == 400
    assert response.json()["code"] == "refresh_cookie_duplicated"
    cleared = response.cookies["__Host-refresh_token"]
    assert (cleared.value, cleared["path"], int(cleared["max-age"])) == ("", "/", 0)


@pytest.mark.parametrize("name", ["__Secure-refresh_token", "refresh_token"])
def test_with_secure_cookies_only_the_host_prefixed_one_is_read(signed_in, token_then_secure, name):
    """Another host can set these names for the parent domain; it cannot set __Host- ones."""
    response = refresh_with_cookies(signed_in, f"{name}={token_then_secure}")

    assert response.status_code == 400
    assert response.json()["code"] == "refresh_token_missing"


def test_with_secure_cookies_the_host_prefixed_cookie_refreshes(signed_in, token_then_secure):
    response = refresh_with_cookies(signed_in, f"__Host-refresh_token={token_then_secure}")

    assert response.status_code == 200
