"""httponly_cookie mode: cookie attributes, CSRF, rotation of the cookie, logout clearing it."""

import json
from datetime import timedelta

import pytest
from django.test import override_settings

from {{ cookiecutter.project_slug }}.authentication.cookies import COOKIE_PATH, cookie_name
from {{ cookiecutter.project_slug }}.authentication.tokens import RefreshToken

from tests.authentication.test_bad_input import stored_state
from tests.support.errors import assert_clean_refusal


def refresh_cookie(response):
    return response.cookies[cookie_name()]


def test_obtain_sets_the_refresh_token_as_an_httponly_strict_cookie_on_the_refresh_path(auth):
    response = auth.login()

    cookie = refresh_cookie(response)
    token = RefreshToken(cookie.value)
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == COOKIE_PATH == "/api/token/refresh/"
    assert int(cookie["max-age"]) == token["exp"] - token["iat"]
    assert cookie["secure"] == ""  # test settings: plain http, so no Secure and no prefix
    assert cookie_name() == "refresh_token"


def test_the_refresh_token_never_appears_in_a_response_body(signed_in):
    login_body = signed_in.client.post(
        "/api/token/", {"username": "alice", "password": "correct horse battery staple"}, format="json"
    ).content
    refresh_body = signed_in.refresh().content

    for body in (login_body, refresh_body):
        assert b"refresh" not in body
        assert signed_in.refresh_token.encode() not in body


@override_settings(JWT_REFRESH_COOKIE_SECURE=True)
def test_a_secure_cookie_takes_the_host_prefix_and_so_path_slash_and_no_domain(auth):
    cookie = auth.login().cookies["__Host-refresh_token"]

    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["path"] == "/"
    assert cookie["domain"] == ""


@override_settings(JWT_REFRESH_COOKIE_SAMESITE="Lax")
def test_samesite_is_a_setting(auth):
    assert refresh_cookie(auth.login())["samesite"] == "Lax"


def test_refresh_reads_the_cookie_without_a_body(signed_in):
    response = signed_in.client.post("/api/token/refresh/", **signed_in.csrf_header())

    assert response.status_code == 200
    assert "access" in response.data


@pytest.mark.parametrize("csrf", [None, "W" * 32], ids=["missing", "wrong"])
def test_refresh_without_the_right_csrf_token_is_a_403_json_error(signed_in, csrf):
    headers = {"HTTP_X_CSRFTOKEN": csrf} if csrf else {}
    response = signed_in.client.post("/api/token/refresh/", {}, format="json", **headers)

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_logout_without_the_csrf_token_is_a_403_json_error(signed_in):
    response = signed_in.client.post("/api/auth/logout/", {}, format="json", **signed_in.auth_header())

    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert signed_in.refresh().status_code == 200


def test_refresh_without_a_cookie_is_a_400(api_client, user):
    api_client.get("/api/auth/csrf/")  # hands out the CSRF cookie, as a page would ask for it
    csrf = api_client.cookies["csrftoken"].value
    response = api_client.post("/api/token/refresh/", {}, format="json", HTTP_X_CSRFTOKEN=csrf)

    assert response.status_code == 400
    assert response.json()["code"] == "refresh_token_missing"


{% if cookiecutter.rotate_refresh_tokens == "yes" -%}
def test_refresh_replaces_the_cookie(signed_in):
    old = signed_in.refresh_token

    response = signed_in.refresh()

    new = refresh_cookie(response).value
    assert new != old
    assert signed_in.refresh_token == new
{%- if cookiecutter.blacklist_after_rotation == "yes" %}


@override_settings(JWT_ROTATION_GRACE_SECONDS=0)
def test_the_cookie_a_refresh_replaced_is_refused(signed_in):
    old = signed_in.refresh_token
    signed_in.refresh()

    assert signed_in.refresh(old).status_code == 401
{%- endif %}
{%- else -%}
def test_without_rotation_a_refresh_leaves_the_cookie_alone(signed_in):
    response = signed_in.refresh()

    assert response.status_code == 200
    assert cookie_name() not in response.cookies
{%- endif %}


def test_logout_clears_the_cookie_and_revokes_its_token(signed_in):
    old = signed_in.refresh_token

    response = signed_in.logout()

    cleared = refresh_cookie(response)
    assert response.status_code == 205
    assert cleared.value == ""
    assert cleared["path"] == COOKIE_PATH
    assert int(cleared["max-age"]) == 0
    assert signed_in.refresh(old).status_code == 401


def post_with_cookies(session, cookie_header, path="/api/token/refresh/", body="{}"):
    """POST with exactly this Cookie header (plus the CSRF cookie), as a browser holding them would."""
    csrf = session.csrf_header()
    cookie = f"{cookie_header}; csrftoken={session.client.cookies['csrftoken'].value}"
    return session.client.generic("POST", path, body, content_type="application/json", HTTP_COOKIE=cookie, **csrf)


def test_a_garbage_cookie_is_refused_with_401(signed_in):
    before = stored_state()

    response = post_with_cookies(signed_in, "refresh_token=garbage")

    assert_clean_refusal(response, statuses={401})
    assert response.json()["code"] == "token_not_valid"
    assert stored_state() == before


@pytest.mark.parametrize("order", ["valid-first", "garbage-first"])
def test_two_refresh_cookies_are_refused_and_the_cookie_cleared(signed_in, order):
    """A second cookie of that name is stale or planted (cookie tossing): neither is taken."""
    valid = signed_in.refresh_token
    cookies = [f"refresh_token={valid}", "refresh_token=garbage"]
    before = stored_state()

    response = post_with_cookies(signed_in, "; ".join(cookies if order == "valid-first" else cookies[::-1]))

    assert_clean_refusal(response, statuses={400})
    assert response.json()["code"] == "refresh_cookie_duplicated"
    assert refresh_cookie(response).value == ""
    assert int(refresh_cookie(response)["max-age"]) == 0
    assert stored_state() == before  # nothing spent, nothing issued


def test_a_refresh_cookie_sent_elsewhere_is_ignored(signed_in):
    response = signed_in.client.generic("GET", "/api/me/", HTTP_COOKIE=f"refresh_token={signed_in.refresh_token}")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("stale", ["garbage", "a.b.c", "expired"])
def test_a_stale_or_garbage_cookie_never_stops_a_fresh_login(signed_in, stale):
    if stale == "expired":
        token = RefreshToken(signed_in.refresh_token)
        token.set_exp(lifetime=-timedelta(days=1))
        stale = str(token)
    credentials = json.dumps({"username": "alice", "password": "correct horse battery staple"})

    response = post_with_cookies(signed_in, f"refresh_token={stale}", path="/api/token/", body=credentials)

    assert response.status_code == 200
    assert RefreshToken(refresh_cookie(response).value)


# --- A page on another host (app.example.com calling api.example.com) ---------------
# Such a page cannot read the API's csrftoken cookie: the token comes in the bodies.


def test_signing_in_hands_over_a_csrf_token_that_refresh_accepts(auth):
    csrf = auth.login().data["csrf_token"]

    response = auth.client.post("/api/token/refresh/", HTTP_X_CSRFTOKEN=csrf)

    assert response.status_code == 200


def test_refreshing_hands_over_a_csrf_token_that_logout_accepts(auth):
    auth.login()
    csrf = auth.client.post("/api/token/refresh/", **auth.csrf_header()).data["csrf_token"]

    response = auth.client.post("/api/auth/logout/", **auth.auth_header(), HTTP_X_CSRFTOKEN=csrf)

    assert response.status_code == 205


def test_the_csrf_endpoint_hands_out_a_token_and_its_cookie_for_a_reloaded_page(auth, api_client):
    auth.login()
    reloaded = type(api_client)(enforce_csrf_checks=True)  # holds the refresh cookie, nothing else
    reloaded.cookies[cookie_name()] = auth.refresh_token

    answer = reloaded.get("/api/auth/csrf/")
    response = reloaded.post("/api/token/refresh/", HTTP_X_CSRFTOKEN=answer.json()["csrf_token"])

    assert answer.status_code == 200
    assert "csrftoken" in answer.cookies
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("trusted", "status"), [([], 403), (["http://app.example.test"], 200)], ids=["not-trusted", "trusted"]
)
def test_a_refresh_from_another_origin_needs_that_origin_trusted(signed_in, trusted, status):
    with override_settings(CSRF_TRUSTED_ORIGINS=trusted):
        response = signed_in.client.post(
            "/api/token/refresh/", HTTP_ORIGIN="http://app.example.test", **signed_in.csrf_header()
        )

    assert response.status_code == status
