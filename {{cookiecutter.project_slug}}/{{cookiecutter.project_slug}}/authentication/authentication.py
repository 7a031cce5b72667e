"""DRF authentication: simplejwt's bearer-token check, plus session revocation."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.models import TokenUser
from rest_framework_simplejwt.settings import api_settings

from .exceptions import TokenRefused
from .policy import session_policy
from .sessions import ensure_access_token_usable


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


def typed_user_id(token):
    """Return the token's user id as the user model's key type, or raise TokenRefused."""
    try:
        return get_user_model()._meta.pk.to_python(token[api_settings.USER_ID_CLAIM])
    except (KeyError, TypeError, ValidationError) as error:
        raise TokenRefused("Token contained no recognizable user identification.") from error


class JWTAuthentication(authentication.JWTAuthentication):
    """Authenticate `Authorization: Bearer <access token>`, refusing revoked sessions.

    With revoke_access_on_logout the user comes from the token's claims and the only
    lookup is one cache get: logout, password changes and disabled or deleted accounts
    revoke the session family there. Without it, the user is read from the database on
    every request, as in stock simplejwt.
    """

    def get_user(self, validated_token):
        user_id = typed_user_id(validated_token)
        if not session_policy().revoke_access_on_logout:
            return super().get_user(validated_token)
        ensure_access_token_usable(validated_token)
        return ClaimsUser(validated_token, user_id)
