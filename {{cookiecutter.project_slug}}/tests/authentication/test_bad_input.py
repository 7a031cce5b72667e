"""Bad input never reaches a 500: every auth endpoint and /api/me/ against a table of bad
tokens, bodies, headers and cookies. Each answer is a 4xx JSON error with a stable code,
and the stored tokens and sessions are left as they were."""

import base64
{%- if cookiecutter.signing_algorithm == "RS256" %}
import hashlib
import hmac
{%- endif %}
import json

import jwt
import pytest
from django.conf import settings
from django.test import override_settings
{%- if cookiecutter.token_blacklist == "yes" %}
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
{%- endif %}

from {{ cookiecutter.project_slug }}.authentication.models import TokenFamily
from {{ cookiecutter.project_slug }}.authentication.sessions import end_all_sessions
from {{ cookiecutter.project_slug }}.authentication.signing import token_backend

from tests.support import PASSWORD
from tests.support.errors import assert_clean_refusal

ONE_MEGABYTE = "A" * (1024 * 1024)
YEAR_10000 = 253402300800  # the first second after datetime.max


def b64(data) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def signed(claims: dict) -> str:
    """Return these exact claims signed with the project's own key (iss/aud as given)."""
    return jwt.encode(claims, token_backend().prepared_signing_key, algorithm=settings.SIMPLE_JWT["ALGORITHM"])


{%- if cookiecutter.signing_algorithm == "HS256" %}


def other_algorithm(claims: dict) -> str:
    """Sign with an algorithm the project does not use: HS512, with its secret."""
    return jwt.encode(claims, settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS512")
{%- else %}


def other_algorithm(claims: dict) -> str:
    """Sign with HS256 and the public key as its secret: the algorithm-confusion attack on RS256."""
    header = b64({"alg": "HS256", "typ": "JWT"})
    signing_input = f"{header}.{b64(claims)}".encode()
    key = settings.SIMPLE_JWT["VERIFYING_KEY"].encode()
    return f"{signing_input.decode()}.{b64(hmac.new(key, signing_input, hashlib.sha256).digest())}"
{%- endif %}


def with_claims(token: str, **changes) -> str:
    claims = claims_of(token) | changes
    return signed({key: value for key, value in claims.items() if value is not None})


# Each bad token is made from a good token of the type the endpoint expects.
BAD_TOKENS = {
    "empty": lambda t: "",
    "not-three-segments": lambda t: "abc.def",
    "bad-base64": lambda t: "!!!.@@@.###",
    "bad-json-header": lambda t: f"{b64(b'{not json')}.{t.split('.')[1]}.{t.split('.')[2]}",
    "bad-json-payload": lambda t: f"{t.split('.')[0]}.{b64(b'[1, 2')}.{t.split('.')[2]}",
    "alg-none": lambda t: f"{b64({'alg': 'none', 'typ': 'JWT'})}.{t.split('.')[1]}.",
    "wrong-signature": lambda t: t.rsplit(".", 1)[0] + "." + b64(b"not the signature"),
    "other-algorithm": lambda t: other_algorithm(claims_of(t)),
    "expired": lambda t: with_claims(t, exp=claims_of(t)["iat"] - 3600),
    "not-yet-valid": lambda t: with_claims(t, nbf=claims_of(t)["iat"] + 3600),
    # Times no datetime can hold: PyJWT lets them through, simplejwt's expiry check used to crash.
    "exp-out-of-range": lambda t: with_claims(t, exp=10**30),
    "exp-after-year-9999": lambda t: with_claims(t, exp=YEAR_10000),
    "exp-a-numeric-string": lambda t: with_claims(t, exp=str(claims_of(t)["exp"])),
    "exp-out-of-range-in-the-past": lambda t: with_claims(t, exp=-(10**30)),
    "iat-out-of-range": lambda t: with_claims(t, iat=10**30),
    "nbf-out-of-range": lambda t: with_claims(t, nbf=10**30),
    "no-user-id": lambda t: with_claims(t, user_id=None),
    "non-integer-user-id": lambda t: with_claims(t, user_id="not-a-number"),
    # Signed ids a lenient parse would take for a user (1.5 or true for 1, an Arabic-Indic 1),
    # and ids past what the database's key can hold (SQLite raised on them).
    "user-id-json-null": lambda t: signed(claims_of(t) | {"user_id": None}),
    "user-id-a-float": lambda t: with_claims(t, user_id=float(claims_of(t)["user_id"]) + 0.5),
    "user-id-a-boolean": lambda t: with_claims(t, user_id=True),
    "user-id-non-ascii-digits": lambda t: with_claims(t, user_id="\u0661"),
    "user-id-padded": lambda t: with_claims(t, user_id=f" {claims_of(t)['user_id']}"),
    "user-id-past-2-63": lambda t: with_claims(t, user_id=str(2**63)),
    "user-id-10-30": lambda t: with_claims(t, user_id=10**30),
    "no-family": lambda t: with_claims(t, fam=None),
    "not-a-family-id": lambda t: with_claims(t, fam="not-a-uuid"),
    "family-id-in-braces": lambda t: with_claims(t, fam="{" + claims_of(t)["fam"] + "}"),
    "jti-too-long": lambda t: with_claims(t, jti="j" * 256),
    "jti-not-a-string": lambda t: with_claims(t, jti=12345),
    "no-token-type": lambda t: with_claims(t, token_type=None),
    "one-megabyte": lambda t: ONE_MEGABYTE,
    "one-megabyte-jwt": lambda t: f"{t.split('.')[0]}.{ONE_MEGABYTE}.{t.split('.')[2]}",
}
# Access tokens are checked without the database (signature, expiry, the session's revocation
# in the cache): only the signing key could make one for a user who never existed. A refresh
# token is looked up, so it must also name a session of a user who exists.
BAD_REFRESH_TOKENS = BAD_TOKENS | {"user-never-existed": lambda t: with_claims(t, user_id=2**31 - 1)}


def stored_state() -> tuple:
    """Return everything a bad request must not change: every session and recorded token."""
    sessions = TokenFamily.objects.order_by("pk").values_list(
        "pk", "last_issued_jti", "last_spent_jti", "last_rotated_at", "revoked_at"
    )
{%- if cookiecutter.token_blacklist == "yes" %}
    return (
        list(sessions),
        list(OutstandingToken.objects.order_by("pk").values_list("pk", flat=True)),
        list(BlacklistedToken.objects.order_by("pk").values_list("token_id", flat=True)),
    )
{%- else %}
    return (list(sessions),)
{%- endif %}


@pytest.fixture
def session(signed_in):
    signed_in.csrf_header()  # hold a CSRF token, as a page would, so CSRF is not what refuses
    return signed_in


def send_refresh_token(session, token):
    """Present `token` to the refresh endpoint the way this storage mode carries it."""
    return session.refresh(token)


def send_bearer(session, path, token, method="get"):
    return getattr(session.client, method)(path, HTTP_AUTHORIZATION=f"Bearer {token}", **session.csrf_header())


def verify(session, token):
    return session.client.post("/api/token/verify/", {"token": token}, format="json")


# Where each kind of token is expected, and how it is sent there (verify: below).
{%- if cookiecutter.refresh_token_storage == "httponly_cookie" %}
# Logout takes no refresh token here: the cookie carries it, and logout needs only the access token.
REFRESH_TOKEN_TAKERS = {"refresh": send_refresh_token}
{%- else %}
REFRESH_TOKEN_TAKERS = {
    "refresh": send_refresh_token,
    "logout": lambda session, token: session.client.post(
        "/api/auth/logout/", {"refresh": token}, format="json", HTTP_AUTHORIZATION=f"Bearer {session.access}"
    ),
}
{%- endif %}
ACCESS_TOKEN_TAKERS = {
    "me": lambda session, token: send_bearer(session, "/api/me/", token),
    "logout": lambda session, token: send_bearer(session, "/api/auth/logout/", token, "post"),
    "logout-all": lambda session, token: send_bearer(session, "/api/auth/logout-all/", token, "post"),
    "logout-others": lambda session, token: send_bearer(session, "/api/auth/logout-others/", token, "post"),
    "sessions": lambda session, token: send_bearer(session, "/api/auth/sessions/", token),
    # The signed-in session's own id, so a DELETE let through would have had something to end.
    "end-session": lambda session, token: send_bearer(
        session, f"/api/auth/sessions/{claims_of(session.access)['fam']}/", token, "delete"
    ),
}


def good_token(session, kind: str) -> str:
    return session.access if kind == "access" else session.refresh_token


@pytest.mark.parametrize("make_token", BAD_REFRESH_TOKENS.values(), ids=BAD_REFRESH_TOKENS)
@pytest.mark.parametrize("send", REFRESH_TOKEN_TAKERS.values(), ids=REFRESH_TOKEN_TAKERS)
def test_bad_refresh_tokens_are_refused(session, send, make_token):
    before = stored_state()

    response = send(session, make_token(session.refresh_token))

    assert_clean_refusal(response)
    assert stored_state() == before


@pytest.mark.parametrize("make_token", BAD_TOKENS.values(), ids=BAD_TOKENS)
@pytest.mark.parametrize("send", ACCESS_TOKEN_TAKERS.values(), ids=ACCESS_TOKEN_TAKERS)
def test_bad_access_tokens_are_refused_with_401(session, send, make_token):
    before = stored_state()

    response = send(session, make_token(session.access))

    assert_clean_refusal(response, statuses={401})
    assert stored_state() == before


@pytest.mark.parametrize("make_token", BAD_TOKENS.values(), ids=BAD_TOKENS)
@pytest.mark.parametrize("kind", ["access", "refresh"])
def test_verify_refuses_bad_tokens_of_either_kind(session, kind, make_token):
    before = stored_state()

    response = verify(session, make_token(good_token(session, kind)))

    assert_clean_refusal(response)
    assert stored_state() == before


# Signed times that are odd but fit a datetime: such a token is as good as any other.
ODD_BUT_VALID_TIMES = {
    "iat-far-in-the-past": {"iat": -(10**30)},
    "nbf-far-in-the-past": {"nbf": -(10**30)},
    "exp-in-year-9999": {"exp": YEAR_10000 - 1},
}


@pytest.mark.parametrize("changes", ODD_BUT_VALID_TIMES.values(), ids=ODD_BUT_VALID_TIMES)
def test_signed_tokens_with_odd_but_valid_times_are_accepted(session, changes):
    access, refresh_token = with_claims(session.access, **changes), with_claims(session.refresh_token, **changes)

    assert send_bearer(session, "/api/me/", access).status_code == 200
    assert verify(session, access).status_code == 200
    assert send_refresh_token(session, refresh_token).status_code == 200


EVERY_TAKER = [
    *(pytest.param("refresh", send, id=f"refresh-{name}") for name, send in REFRESH_TOKEN_TAKERS.items()),
    *(pytest.param("access", send, id=f"access-{name}") for name, send in ACCESS_TOKEN_TAKERS.items()),
]


@pytest.mark.parametrize("expected, send", EVERY_TAKER)
def test_a_token_of_the_other_kind_is_refused(session, expected, send):
    before = stored_state()

    response = send(session, good_token(session, "access" if expected == "refresh" else "refresh"))

    assert_clean_refusal(response, statuses={401})
    assert stored_state() == before


{%- if cookiecutter.token_blacklist == "yes" %}


def test_a_blacklisted_refresh_token_of_a_live_session_is_refused(session):
    """The blacklist decides on its own, not only through the session's end (rotation on or off)."""
    from {{ cookiecutter.project_slug }}.authentication import blacklist

    refresh_token = session.refresh_token
    blacklist.blacklist_jti(claims_of(refresh_token)["jti"])  # as an admin would, in the admin

    refreshed = send_refresh_token(session, refresh_token)

    assert_clean_refusal(refreshed, statuses={401})
    assert refreshed.json()["code"] in {"token_blacklisted", "token_reused"}  # with rotation, a spent token
{%- endif %}


def test_a_blacklisted_refresh_token_is_refused_everywhere(session):
    refresh_token = session.refresh_token
    session.logout()
    before = stored_state()

    assert_clean_refusal(send_refresh_token(session, refresh_token), statuses={401})
    assert_clean_refusal(session.client.post("/api/token/verify/", {"token": refresh_token}, format="json"))
    assert stored_state() == before


# Every endpoint that takes a token, with the kind it takes (verify refuses a refresh token whatever its state).
EVERY_TOKEN_TAKER = [
    *EVERY_TAKER,
    pytest.param("access", verify, id="access-verify"),
    pytest.param("refresh", verify, id="refresh-verify"),
]


@pytest.mark.parametrize("kind, send", EVERY_TOKEN_TAKER)
@pytest.mark.parametrize("change", ["delete", "deactivate"])
def test_tokens_of_a_deleted_or_inactive_user_are_refused(session, user, change, kind, send):
    token = good_token(session, kind)
    if change == "delete":
        user.delete()
    else:
        user.is_active = False
        user.save()  # through the model, as the admin does: that is what ends the sessions
    before = stored_state()

    response = send(session, token)

    # Nothing to revoke or spend: the sessions have ended, and with a deleted user they are gone.
    assert_clean_refusal(response, statuses={401})
    assert stored_state() == before


def test_a_user_deactivated_behind_the_models_back_cannot_refresh(session, user):
    """QuerySet.update() sends no signal, so no session is ended; refreshing still reads the user."""
    type(user).objects.filter(pk=user.pk).update(is_active=False)

    response = send_refresh_token(session, session.refresh_token)

    assert_clean_refusal(response, statuses={401})
    assert response.json()["code"] == "user_inactive"


@override_settings(JWT_REVOKE_ACCESS_ON_LOGOUT=True)
def test_after_a_deactivation_behind_the_models_back_access_tokens_last_until_they_expire(session, user):
    """By design with revoke_access_on_logout: access tokens are checked in the cache alone, and
    update() told it nothing."""
    type(user).objects.filter(pk=user.pk).update(is_active=False)

    response = send_bearer(session, "/api/me/", session.access)

    assert response.status_code == 200


@override_settings(JWT_REVOKE_ACCESS_ON_LOGOUT=False)
def test_without_revoke_access_on_logout_a_deactivation_behind_the_models_back_ends_access_at_once(session, user):
    """Without revoke_access_on_logout every request reads the user, as in stock simplejwt."""
    type(user).objects.filter(pk=user.pk).update(is_active=False)

    response = send_bearer(session, "/api/me/", session.access)

    assert_clean_refusal(response, statuses={401})
    assert response.json()["code"] == "user_inactive"


def test_ending_the_sessions_after_a_bulk_deactivation_ends_every_token(session, user):
    """What the README tells whoever deactivates users with QuerySet.update()."""
    type(user).objects.filter(pk=user.pk).update(is_active=False)

    end_all_sessions(user.pk, TokenFamily.Reason.ACCOUNT_CHANGED)

    assert_clean_refusal(send_bearer(session, "/api/me/", session.access), statuses={401})
    assert_clean_refusal(verify(session, session.access), statuses={401})
    assert_clean_refusal(send_refresh_token(session, session.refresh_token), statuses={401})


BAD_HEADERS = {
    "token-scheme": "Token {access}",
    "bearer-without-token": "Bearer",
    "extra-spaces": "Bearer   {access}  x",
    "two-tokens": "Bearer {access} {access}",
    "lower-case-scheme": "bearer {access}",
    "basic-scheme": "Basic YWxpY2U6cGFzc3dvcmQ=",
    "empty": "",
    "non-ascii": "Bearer tökén",
}


@pytest.mark.parametrize("header", BAD_HEADERS.values(), ids=BAD_HEADERS)
@pytest.mark.parametrize(
    "path, method",
    [
        ("/api/me/", "get"),
        ("/api/auth/logout/", "post"),
        ("/api/auth/logout-all/", "post"),
        ("/api/auth/logout-others/", "post"),
        ("/api/auth/sessions/", "get"),
    ],
)
def test_bad_authorization_headers_get_401(session, header, path, method):
    before = stored_state()
    call = getattr(session.client, method)

    response = call(path, HTTP_AUTHORIZATION=header.format(access=session.access), **session.csrf_header())

    assert_clean_refusal(response, statuses={401})
    assert stored_state() == before


def test_more_than_one_space_after_bearer_is_allowed(session):
    """RFC 6750, section 2.1: credentials = "Bearer" 1*SP b64token."""
    response = session.client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer    {session.access}")

    assert response.status_code == 200


@pytest.mark.parametrize("header", [*BAD_HEADERS.values(), "Bearer {expired}"], ids=[*BAD_HEADERS, "expired"])
def test_the_token_endpoints_ignore_whatever_authorization_header_comes_along(session, header):
    """They take no access token, so a stale or broken one a client sends anyway must not stop them."""
    expired = with_claims(session.access, exp=claims_of(session.access)["iat"] - 3600)
    session.client.credentials(HTTP_AUTHORIZATION=header.format(access=session.access, expired=expired))

    assert session.refresh().status_code == 200
    assert session.login().status_code == 200


# Every auth endpoint, each of which reads its body.
BODY_ENDPOINTS = [
    "/api/token/",
    "/api/token/refresh/",
    "/api/token/verify/",
    "/api/auth/logout/",
    "/api/auth/logout-all/",
    "/api/auth/logout-others/",
]
# These read no field (the refresh token is in the cookie, or none is needed), yet still read
# the body: they take none or {}, and refuse anything else as the other endpoints do.
FIELDLESS_ENDPOINTS = [
    "/api/auth/logout-all/",
    "/api/auth/logout-others/",
{%- if cookiecutter.refresh_token_storage == "httponly_cookie" %}
    "/api/token/refresh/",
    "/api/auth/logout/",
{%- endif %}
]
BAD_BODIES = {
    "not-json": ("{'username': ", "application/json"),
    "json-list": (json.dumps(["alice", "password"]), "application/json"),
    "json-string": (json.dumps("alice"), "application/json"),
    "json-number": ("42", "application/json"),
    "json-null": ("null", "application/json"),
    "empty-object": ("{}", "application/json"),
    "wrong-field-types": (
        json.dumps({"username": ["a"], "password": {"x": 1}, "token": 5, "refresh": []}),
        "application/json",
    ),
    "extra-fields": (
        json.dumps({"username": "alice", "password": "x", "token": "t", "refresh": "r", "admin": True}),
        "application/json",
    ),
    "form-encoded": ("username=alice&password=x", "application/x-www-form-urlencoded"),
    "plain-text": ("alice:password", "text/plain"),
    "one-megabyte": (json.dumps({"username": ONE_MEGABYTE, "password": "x"}), "application/json"),
    "nested-too-deeply": ("[" * 30_000 + "]" * 30_000, "application/json"),  # under the size limit
    "nul-bytes": (
        json.dumps({"username": "al\u0000ice", "password": "x\u0000", "token": "a\u0000"}),
        "application/json",
    ),
}


BAD_BODY_CASES = [
    pytest.param(path, body, content_type, id=f"{path}-{name}")
    for path in BODY_ENDPOINTS
    for name, (body, content_type) in BAD_BODIES.items()
    if not (name == "empty-object" and path in FIELDLESS_ENDPOINTS)  # {} is just what they take
]


def post_body(session, path, body, content_type="application/json"):
    """POST this raw body signed in, with the CSRF header: only the body can be what is wrong."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {session.access}", **session.csrf_header()}
    return session.client.generic("POST", path, body, content_type=content_type, **headers)


@pytest.mark.parametrize("path, body, content_type", BAD_BODY_CASES)
def test_bad_bodies_get_a_clean_4xx(session, path, body, content_type):
    before = stored_state()

    response = post_body(session, path, body, content_type)

    assert_clean_refusal(response)
    assert stored_state() == before


@pytest.mark.parametrize("body", ["", "{}"], ids=["no-body", "empty-object"])
@pytest.mark.parametrize("path", FIELDLESS_ENDPOINTS)
def test_the_endpoints_without_fields_take_no_body_or_an_empty_object(session, path, body):
    response = post_body(session, path, body)

    assert response.status_code in {200, 205}, response.content[:300]


def test_the_schema_declares_an_empty_body_exactly_where_one_is_taken(client):
    """Schemathesis and Swagger UI send what the schema declares; it must match what is accepted."""
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]

    for path in BODY_ENDPOINTS:
        body = paths[path]["post"]["requestBody"]
        schema = body["content"]["application/json"]["schema"]
        if path in FIELDLESS_ENDPOINTS:
            assert schema["maxProperties"] == 0
            assert schema["additionalProperties"] is False
            assert not body.get("required")
        else:
            assert "$ref" in schema


@pytest.mark.parametrize("body", [{"admin": True}, {"refresh": "x"}], ids=["unknown-field", "another-endpoints-field"])
def test_right_credentials_with_extra_fields_are_refused(session, body):
    """Only the fields an endpoint knows: anything more is a client bug worth hearing about."""
    before = stored_state()
    credentials = {"username": "alice", "password": PASSWORD}

    response = session.client.post("/api/token/", credentials | body, format="json")

    assert_clean_refusal(response)
    assert stored_state() == before


@pytest.mark.parametrize("username, password", [("ålice", "pässwörd"), ("alice", "🔑" * 50), ("☃", "☃")])
def test_unicode_credentials_are_refused_like_any_wrong_password(session, username, password):
    response = session.client.post("/api/token/", {"username": username, "password": password}, format="json")

    assert_clean_refusal(response, statuses={401})
    assert response.json()["code"] == "no_active_account"
