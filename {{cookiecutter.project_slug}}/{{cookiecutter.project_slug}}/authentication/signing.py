"""The token backend: simplejwt's, plus a `kid` header naming the key for asymmetric algorithms.

With RS256 another service picks the verifying key from /.well-known/jwks.json by that kid,
which also lets keys be rotated without breaking tokens already issued.
"""

from functools import cache

import jwt
from django.core.signals import setting_changed
from django.dispatch import receiver
from rest_framework_simplejwt import settings as simplejwt_settings
from rest_framework_simplejwt.backends import TokenBackend

ASYMMETRIC_PREFIXES = ("RS", "PS", "ES", "Ed")
# Explicit typing (RFC 8725, 3.11): the header says which kind of token this is, so a verifier
# elsewhere that takes access tokens (RFC 9068, 2.1: `typ: at+jwt`) cannot be handed a refresh
# token signed by the same key for the same audience. Tokens issued before carry `JWT` and the
# `token_type` claim, which this API's own checks still read, so they work until they expire.
TYPE_HEADERS = {"access": "at+jwt", "refresh": "rt+jwt"}


class KeyIdTokenBackend(TokenBackend):
    """A TokenBackend that writes `typ` (the token's kind) and, for a key pair, `kid` into every header."""

    def __init__(self, *args, key_id: str | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.key_id = key_id

    def encode(self, payload: dict) -> str:
        claims = dict(payload)
        if self.audience is not None:
            claims["aud"] = self.audience
        if self.issuer is not None:
            claims["iss"] = self.issuer
        token_type = claims.get(simplejwt_settings.api_settings.TOKEN_TYPE_CLAIM)
        headers = {"typ": TYPE_HEADERS.get(token_type, "JWT")}
        if self.key_id:
            headers["kid"] = self.key_id
        return jwt.encode(
            claims, self.prepared_signing_key, algorithm=self.algorithm, headers=headers, json_encoder=self.json_encoder
        )


@cache
def token_backend() -> KeyIdTokenBackend:
    """Return the backend for the current SIMPLE_JWT settings."""
    api_settings = simplejwt_settings.api_settings
    key_id = None
    if api_settings.ALGORITHM.startswith(ASYMMETRIC_PREFIXES):
        from .jwks import key_id_of

        key_id = key_id_of(api_settings.VERIFYING_KEY)
    return KeyIdTokenBackend(
        api_settings.ALGORITHM,
        api_settings.SIGNING_KEY,
        api_settings.VERIFYING_KEY,
        api_settings.AUDIENCE,
        api_settings.ISSUER,
        api_settings.JWK_URL,
        api_settings.LEEWAY,
        api_settings.JSON_ENCODER,
        key_id=key_id,
    )


@receiver(setting_changed)
def forget_backend(**kwargs) -> None:
    token_backend.cache_clear()
