"""Tokens name their issuer and audience; tokens naming anyone else are refused."""

import jwt
import pytest
from django.conf import settings
from rest_framework_simplejwt.tokens import AccessToken


def resigned(raw_token, **changes):
    """Return the token's claims with `changes`, signed with this project's own key."""
    claims = AccessToken(raw_token).payload | changes
    claims = {key: value for key, value in claims.items() if value is not None}
    return jwt.encode(claims, settings.SIMPLE_JWT["SIGNING_KEY"], algorithm=settings.SIMPLE_JWT["ALGORITHM"])


def test_tokens_carry_the_configured_issuer_and_audience(signed_in):
    claims = jwt.decode(signed_in.access, options={"verify_signature": False})

    assert claims["iss"] == settings.SIMPLE_JWT["ISSUER"]
    assert claims["aud"] == settings.SIMPLE_JWT["AUDIENCE"]


@pytest.mark.parametrize(
    "changes",
    [{"iss": "https://evil.example"}, {"aud": "another-api"}, {"iss": None}, {"aud": None}],
    ids=["wrong-issuer", "wrong-audience", "no-issuer", "no-audience"],
)
def test_a_token_for_another_issuer_or_audience_is_refused(signed_in, changes):
    forged = resigned(signed_in.access, **changes)

    response = signed_in.client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {forged}")

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_the_same_token_resigned_unchanged_is_accepted(signed_in):
    response = signed_in.client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {resigned(signed_in.access)}")

    assert response.status_code == 200
