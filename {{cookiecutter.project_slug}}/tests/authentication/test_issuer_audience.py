"""Tokens name their issuer and audience; tokens naming anyone else are refused, wherever they are sent."""

import jwt
import pytest
from django.conf import settings

from tests.authentication.test_bad_input import (
    send_bearer,
    send_refresh_token,
    signed,
    stored_state,
    verify,
)
from tests.support.errors import assert_clean_refusal


def resigned(raw_token, **changes):
    """Return the token's claims with `changes` (None drops a claim), signed with this project's own key."""
    claims = jwt.decode(raw_token, options={"verify_signature": False}) | changes
    return signed({key: value for key, value in claims.items() if value is not None})


# Every endpoint that takes a token, with the kind of token it takes.
TAKERS = {
    "me": ("access", lambda session, token: send_bearer(session, "/api/me/", token)),
    "verify-access": ("access", verify),
    "refresh": ("refresh", send_refresh_token),
}
FOREIGN = {
    "wrong-issuer": {"iss": "https://evil.example"},
    "wrong-audience": {"aud": "another-api"},
    "audience-list-without-ours": {"aud": ["another-api", "a-third-api"]},
    "no-issuer": {"iss": None},
    "no-audience": {"aud": None},
}


def token_of(session, kind: str) -> str:
    return session.access if kind == "access" else session.refresh_token


def test_tokens_carry_the_configured_issuer_and_audience(signed_in):
    for token in (signed_in.access, signed_in.refresh_token):
        claims = jwt.decode(token, options={"verify_signature": False})

        assert claims["iss"] == settings.SIMPLE_JWT["ISSUER"]
        assert claims["aud"] == settings.SIMPLE_JWT["AUDIENCE"]


@pytest.mark.parametrize("changes", FOREIGN.values(), ids=FOREIGN)
@pytest.mark.parametrize("kind, send", TAKERS.values(), ids=TAKERS)
def test_a_token_for_another_issuer_or_audience_is_refused(signed_in, kind, send, changes):
    signed_in.csrf_header()  # hold a CSRF token, so the refresh is refused for the token alone
    forged = resigned(token_of(signed_in, kind), **changes)
    before = stored_state()

    response = send(signed_in, forged)

    assert_clean_refusal(response, statuses={401})
    assert response.json()["code"] == "token_not_valid"
    assert stored_state() == before


@pytest.mark.parametrize("kind, send", TAKERS.values(), ids=TAKERS)
def test_the_same_token_resigned_unchanged_is_accepted(signed_in, kind, send):
    """The control for the test above: re-signing alone changes nothing."""
    signed_in.csrf_header()

    response = send(signed_in, resigned(token_of(signed_in, kind)))

    assert response.status_code == 200
