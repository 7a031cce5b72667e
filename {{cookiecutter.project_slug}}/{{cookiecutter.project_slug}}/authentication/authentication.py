"""DRF authentication: simplejwt's bearer-token check, plus session revocation."""

import copy
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.models import TokenUser
from rest_framework_simplejwt.utils import aware_utcnow

from .exceptions import TokenRefused
from .policy import session_policy
from .serializers import MAX_TOKEN_LENGTH
from .sessions import ensure_access_token_usable
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


@lru_cache(maxsize=4096)
def verified_access_token(raw_token: bytes) -> AccessToken:
    """Return the access token, its signature and claims checked; cached, since a client
    sends the same token with every request until it is refreshed. Refusals are not cached."""
    return decode_token(AccessToken, raw_token)


@receiver(setting_changed)
def forget_verified_tokens(**kwargs) -> None:
    verified_access_token.cache_clear()


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

    def get_validated_token(self, raw_token: bytes) -> AccessToken:
        token = verified_access_token(raw_token)
        try:
            token.check_exp(current_time=aware_utcnow())  # time has passed since it was cached
        except TokenError as error:
            raise TokenRefused(str(error)) from error
        # A copy of its own for each request, so a view can never change another's.
        request_token = copy.copy(token)
        request_token.payload = dict(token.payload)
        return request_token

    def get_user(self, validated_token):
        user_id = typed_user_id(validated_token)
        family_of(validated_token)  # every token this project issues names its session
        if not session_policy().revoke_access_on_logout:
            return super().get_user(validated_token)
        ensure_access_token_usable(validated_token)
        return ClaimsUser(validated_token, user_id)
