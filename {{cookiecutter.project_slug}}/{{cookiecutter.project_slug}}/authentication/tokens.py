"""Token classes: simplejwt's, plus the session family claim and the project's user claims."""

import uuid
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from rest_framework_simplejwt import tokens
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import datetime_from_epoch, datetime_to_epoch

from .exceptions import TokenRefused
from .policy import session_policy
from .signing import token_backend

# Every token of one sign-in (the refresh tokens rotation makes, and their access
# tokens) carries the same family id, so a whole session can be revoked at once.
FAMILY_CLAIM = "fam"
NO_USER_ID = "Token contained no recognizable user identification."
# OutstandingToken.jti is a 255-character column; a longer id would fail the insert.
MAX_JTI_LENGTH = 255


def typed_user_id(token: tokens.Token):
    """Return the token's user id as the user model's key type, or raise TokenRefused.

    The claim must be written exactly as this project writes it, str(pk), and be a key
    the database can hold: a lenient parse would take 1.5, true or an Arabic-Indic digit for 1, and a
    key past 2**63 makes SQLite raise instead of finding no one.
    """
    claim = token.get(api_settings.USER_ID_CLAIM)
    key_field = get_user_model()._meta.pk
    try:
        user_id = key_field.to_python(claim)
        key_field.run_validators(user_id)
    except (TypeError, ValidationError) as error:
        raise TokenRefused(NO_USER_ID) from error
    if not isinstance(claim, str) or str(user_id) != claim:
        raise TokenRefused(NO_USER_ID)
    return user_id


def family_of(token: tokens.Token) -> str:
    """Return the session family the token names, or raise TokenRefused: every token we issue has one."""
    family_id = token.get(FAMILY_CLAIM)
    if not is_canonical_uuid(family_id):
        raise TokenRefused("Token names no session.")
    return family_id


def is_canonical_uuid(value) -> bool:
    """Return whether `value` is a UUID written as str(uuid) writes it (as family ids are)."""
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False


def decode_token(token_class: type[tokens.Token], raw):
    """Return the token of this class, its signature and claims verified, or raise TokenRefused.

    Every token this project reads is decoded here, so a bad, expired or wrongly typed
    token always gets the same 401 with code `token_not_valid`.
    """
    try:
        return token_class(raw)
    except TokenError as error:
        raise TokenRefused(str(error)) from error


def user_claims(user) -> dict:
    """Return the configured user fields to copy into tokens."""
    return {name: getattr(user, name) for name in session_policy().custom_claims}


def cap_expiry(token: tokens.Token, not_after: datetime | None) -> None:
    """Make the token expire no later than `not_after` (the session's absolute limit)."""
    if not_after is not None and token["exp"] > datetime_to_epoch(not_after):
        token["exp"] = datetime_to_epoch(not_after)


class ProjectToken(tokens.Token):
    """Behaviour every token class here shares: the project's backend, a crash-proof expiry
    check, and an id that fits where the blacklist records it."""

    def get_token_backend(self):
        return token_backend()

    def verify(self) -> None:
        super().verify()
        jti = self.payload.get(api_settings.JTI_CLAIM)
        if not isinstance(jti, str) or not 0 < len(jti) <= MAX_JTI_LENGTH:
            raise TokenError("Token has no valid id.")

    def check_exp(self, claim: str = "exp", current_time: datetime | None = None) -> None:
        # PyJWT only checks that `exp` converts to int; simplejwt then turns it into a datetime,
        # which raises on a signed 10**30, year 10000 or "1700000000" (a string) instead of refusing.
        try:
            super().check_exp(claim, current_time)
        except (OverflowError, OSError, TypeError, ValueError) as error:
            raise TokenError(f"Token '{claim}' claim is out of range.") from error


class AccessToken(ProjectToken, tokens.AccessToken):
    """An access token; it carries the family id so that logout can end it early."""


class UntypedToken(ProjectToken, tokens.UntypedToken):
    """A token of any type, verified like the typed ones (verify takes either kind)."""


class RefreshToken(ProjectToken):
    """A refresh token bound to one session family.

    Unlike simplejwt's RefreshToken it never queries the database on its own: the
    session layer records, spends and checks it in as few statements as it can.
    """

    token_type = "refresh"
    lifetime = api_settings.REFRESH_TOKEN_LIFETIME
    no_copy_claims = (api_settings.TOKEN_TYPE_CLAIM, "exp", api_settings.JTI_CLAIM, "iat")

    @classmethod
    def for_session(cls, user, family_id, not_after: datetime | None = None) -> "RefreshToken":
        """Return a new refresh token for this user in this session family."""
        token = cls()
        token[api_settings.USER_ID_CLAIM] = str(getattr(user, api_settings.USER_ID_FIELD))
        token[FAMILY_CLAIM] = str(family_id)
        token.payload.update(user_claims(user))
        cap_expiry(token, not_after)
        return token

    def access_token(self) -> AccessToken:
        """Return an access token with this token's claims, expiring no later than it does."""
        access = AccessToken()
        for claim, value in self.payload.items():
            if claim not in self.no_copy_claims:
                access[claim] = value
        access["exp"] = min(access["exp"], self["exp"])
        return access

    @property
    def jti(self) -> str:
        return self[api_settings.JTI_CLAIM]

    @property
    def family_id(self) -> str | None:
        return self.get(FAMILY_CLAIM)

    @property
    def user_id(self) -> str | None:
        return self.get(api_settings.USER_ID_CLAIM)

    @property
    def expires_at(self) -> datetime:
        return datetime_from_epoch(self["exp"])
