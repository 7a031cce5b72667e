"""RS256: tokens name their key (kid), /.well-known/jwks.json publishes it, and another
service verifies tokens with nothing but that endpoint."""

import base64
import hashlib
import hmac
import json
import re

import jwt
import pytest
from django.conf import settings

from {{ cookiecutter.project_slug }}.core.testing import PROJECT_DIR, HttpAuthSession


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
    assert set(key) == {"kty", "n", "e", "kid", "use", "alg"}  # no private member, no key_ops beside use


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


def readme_verification_snippet(jwks_url: str) -> str:
    """Return the code for another service in docs/rs256.md, pointed at `jwks_url`."""
    readme = (PROJECT_DIR / "docs" / "rs256.md").read_text()
    section = readme.split("## Other services verifying these tokens", 1)[1]
    snippet = re.search(r"```python\n(.*?)```", section, re.DOTALL)[1]
    return snippet.replace("https://api.example.com/.well-known/jwks.json", jwks_url)


def verify_as_another_service(token: str, jwks_url: str) -> dict:
    """Run the README's snippet, as a resource server with only PyJWT and the JWKS URL would."""
    namespace = {"token": token}
    exec(readme_verification_snippet(jwks_url), namespace)  # noqa: S102 - our own README's code
    return namespace["claims"]


@pytest.mark.live_server_process
def test_a_resource_server_verifies_tokens_with_the_jwks_endpoint_alone(start_server):
    server = start_server()
    session = HttpAuthSession(server.url)
    assert session.login().status == 200
    jwks_url = f"{server.url}/.well-known/jwks.json"

    claims = verify_as_another_service(session.access, jwks_url)

    assert claims["user_id"] == jwt.decode(session.access, options={"verify_signature": False})["user_id"]
    header, payload, signature = session.access.split(".")
    tampered_claims = json.loads(base64.urlsafe_b64decode(payload + "==")) | {"is_staff": True, "user_id": "1"}
    tampered_payload = base64.urlsafe_b64encode(json.dumps(tampered_claims).encode()).rstrip(b"=").decode()
    with pytest.raises(jwt.InvalidSignatureError):
        verify_as_another_service(f"{header}.{tampered_payload}.{signature}", jwks_url)
    # Same key, same issuer and audience: only the type tells a refresh token from an access token.
    with pytest.raises(jwt.InvalidTokenError, match="not an access token"):
        verify_as_another_service(session.refresh_token, jwks_url)
