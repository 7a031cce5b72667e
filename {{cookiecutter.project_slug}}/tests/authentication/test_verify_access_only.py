"""POST /api/token/verify/ takes access tokens only, is throttled, and the two kinds of token
say what they are in their header (security review, finding 3; RFC 8725 3.11, RFC 9068 2.1)."""

import jwt
from django.test import override_settings
from rest_framework_simplejwt.backends import TokenBackend

from {{ cookiecutter.project_slug }}.authentication.signing import token_backend

from tests.support import UNTHROTTLED


def verify(client, token):
    return client.post("/api/token/verify/", {"token": token}, format="json")


def test_verify_refuses_a_valid_refresh_token_with_wrong_token_type(signed_in):
    response = verify(signed_in.client, signed_in.refresh_token)

    assert response.status_code == 401
    assert response.json()["code"] == "wrong_token_type"


def test_verify_still_accepts_the_access_token(signed_in):
    assert verify(signed_in.client, signed_in.access).status_code == 200


@override_settings(JWT_THROTTLE_RATES={"login": UNTHROTTLED, "refresh": UNTHROTTLED, "verify": "3/minute"})
def test_verify_is_throttled_per_client_ip_with_retry_after(signed_in):
    for _ in range(3):
        assert verify(signed_in.client, signed_in.access).status_code == 200

    response = verify(signed_in.client, signed_in.access)

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


def test_access_tokens_are_typed_at_jwt_and_refresh_tokens_otherwise(signed_in):
    assert jwt.get_unverified_header(signed_in.access)["typ"] == "at+jwt"
    assert jwt.get_unverified_header(signed_in.refresh_token)["typ"] == "rt+jwt"


def test_an_access_token_issued_before_the_typ_header_keeps_working_until_it_expires(signed_in):
    """Tokens signed before the upgrade say `typ: JWT`; this API reads their token_type claim instead."""
    ours = token_backend()
    stock = TokenBackend(ours.algorithm, ours.signing_key, ours.verifying_key, ours.audience, ours.issuer)
    old_format = stock.encode(jwt.decode(signed_in.access, options={"verify_signature": False}))
    assert jwt.get_unverified_header(old_format)["typ"] == "JWT"

    assert signed_in.client.get("/api/me/", **signed_in.auth_header(old_format)).status_code == 200
    assert verify(signed_in.client, old_format).status_code == 200
