"""DRF authentication: simplejwt's bearer-token check, plus session revocation."""

import time
from functools import lru_cache
from types import MappingProxyType

from django.core.signals import setting_changed
from django.dispatch import receiver
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.models import TokenUser
from rest_framework_simplejwt.utils import aware_utcnow

from .exceptions import TokenRefused
from .policy import session_policy
from .serializers import MAX_TOKEN_LENGTH
from .sessions import ensure_session_not_revoked
from .tokens import AccessToken, decode_token, family_of, typed_user_id


class ClaimsUser(TokenUser):
    """A user built from the access token's claims; its id is typed like the model's key."""

    def __init__(self, token, user_id) -> None:
        super().__init__(token)
        self._user_id = user_id

    @property
    def id(self):
        return self._user_id

    @property
    def pk(self):
        return self._user_id


class CheckedAccessToken(AccessToken):
    """An access token whose signature and claims were checked once, with what each request reads from it.

    Shared by every request that sends the same token, so its claims are read-only: a view
    can never change what another request sees (nor pay for a copy of its own).
    """

    user_key: object  # the user id, typed like the model's key (typed_user_id)
    family_id: str  # the session it belongs to (family_of)
    refused_from: float  # seconds since the epoch from which check_exp refuses it: exp plus the leeway


@lru_cache(maxsize=4096)
def verified_access_token(raw_token: bytes) -> CheckedAccessToken:
    """Return the access token, its signature and claims checked; cached, since a client
    sends the same token with every request until it is refreshed. Refusals are not cached."""
    token = decode_token(CheckedAccessToken, raw_token)
    token.user_key = typed_user_id(token)
    token.family_id = family_of(token)  # every token this project issues names its session
    token.refused_from = token["exp"] + token.get_token_backend().get_leeway().total_seconds()
    token.payload = MappingProxyType(token.payload)
    return token


@receiver(setting_changed)
def forget_verified_tokens(**kwargs) -> None:
    verified_access_token.cache_clear()


def ensure_unexpired(token: CheckedAccessToken) -> None:
    """Refuse the token if it has expired since it was cached, with simplejwt's own message."""
    if time.time() < token.refused_from:
        return  # the common case, without building datetimes
    try:
        token.check_exp(current_time=aware_utcnow())
    except TokenError as error:
        raise TokenRefused(str(error)) from error


class JWTAuthentication(authentication.JWTAuthentication):
    """Authenticate `Authorization: Bearer <access token>`, refusing revoked sessions.

    With revoke_access_on_logout the user comes from the token's claims and the only
    lookup is one cache get: logout, password changes and disabled or deleted accounts
    revoke the session family there. Without it, the user is read from the database on
    every request, as in stock simplejwt.
    """

    def get_raw_token(self, header: bytes) -> bytes | None:
        raw_token = super().get_raw_token(header)
        # Refuse a megabyte of "token" before spending any time decoding it.
        if raw_token is not None and len(raw_token) > MAX_TOKEN_LENGTH:
            raise TokenRefused("Token is too long.")
        return raw_token

    def get_validated_token(self, raw_token: bytes) -> CheckedAccessToken:
        token = verified_access_token(raw_token)
        ensure_unexpired(token)  # time has passed since it was cached
        return token

    def get_user(self, validated_token: CheckedAccessToken):
        if not session_policy().revoke_access_on_logout:
            return super().get_user(validated_token)
        ensure_session_not_revoked(validated_token.family_id)
        return ClaimsUser(validated_token, validated_token.user_key)
