"""RS256: tokens name their key (kid), /.well-known/jwks.json publishes it, and another
service verifies tokens with nothing but that endpoint."""

import base64
import hashlib
import hmac
import json

import jwt
import pytest
from django.conf import settings

from {{ cookiecutter.project_slug }}.core.testing import HttpAuthSession


def header_of(token: str) -> dict:
    return jwt.get_unverified_header(token)


def test_tokens_are_signed_with_rs256_and_name_their_key(signed_in):
    header = header_of(signed_in.access)
    keys = signed_in.client.get("/.well-known/jwks.json").json()["keys"]

    assert header["alg"] == "RS256"
    assert [key["kid"] for key in keys] == [header["kid"]]
    assert header_of(signed_in.refresh_token)["kid"] == header["kid"]


def test_jwks_publishes_only_the_public_key(client):
    response = client.get("/.well-known/jwks.json")

    (key,) = response.json()["keys"]
    assert response.status_code == 200
    assert key["kty"] == "RSA" and key["use"] == "sig" and key["alg"] == "RS256"
    assert {"n", "e"} <= set(key)
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)


def test_an_hs256_token_signed_with_the_public_key_is_refused(signed_in):
    """Algorithm confusion: the public key is no secret, so it must never verify an HS256 token."""
    claims = jwt.decode(signed_in.access, options={"verify_signature": False})
    confused = forge_hs256(claims, settings.SIMPLE_JWT["VERIFYING_KEY"])

    response = signed_in.client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {confused}")

    assert response.status_code == 401


def forge_hs256(claims: dict, secret: str) -> str:
    """Sign claims with HS256 by hand (PyJWT refuses a PEM key as an HMAC secret, rightly)."""

    def b64(data: bytes) -> bytes:
        return base64.urlsafe_b64encode(data).rstrip(b"=")

    signing_input = b64(b'{"alg":"HS256","typ":"JWT"}') + b"." + b64(json.dumps(claims).encode())
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return (signing_input + b"." + b64(signature)).decode()


@pytest.mark.live_server_process
def test_a_resource_server_verifies_tokens_with_the_jwks_endpoint_alone(start_server):
    server = start_server()
    session = HttpAuthSession(server.url)
    assert session.login().status == 200
    jwks_client = jwt.PyJWKClient(f"{server.url}/.well-known/jwks.json")

    signing_key = jwks_client.get_signing_key_from_jwt(session.access)
    claims = jwt.decode(
        session.access,
        signing_key.key,
        algorithms=["RS256"],
        audience=settings.SIMPLE_JWT["AUDIENCE"],
        issuer=settings.SIMPLE_JWT["ISSUER"],
    )
    assert claims["user_id"]

    header, payload, signature = session.access.split(".")
    tampered_claims = json.loads(base64.urlsafe_b64decode(payload + "==")) | {"is_staff": True, "user_id": "1"}
    tampered_payload = base64.urlsafe_b64encode(json.dumps(tampered_claims).encode()).rstrip(b"=").decode()
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(
            f"{header}.{tampered_payload}.{signature}",
            signing_key.key,
            algorithms=["RS256"],
            audience=settings.SIMPLE_JWT["AUDIENCE"],
            issuer=settings.SIMPLE_JWT["ISSUER"],
        )
