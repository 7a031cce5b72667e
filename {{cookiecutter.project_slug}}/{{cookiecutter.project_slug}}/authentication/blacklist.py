"""Per-token records in simplejwt's blacklist app: issued (outstanding) and spent (blacklisted).

Every function is a no-op when the blacklist app is not installed, so the session layer
calls them unconditionally.
"""

from django.db import IntegrityError
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from .policy import session_policy
from .tokens import RefreshToken


class AlreadySpent(Exception):
    """The refresh token had already been spent (blacklisted) by an earlier request."""


def record_issued(token: RefreshToken, user_id) -> int | None:
    """Record a newly issued refresh token as outstanding; return the row's id."""
    if not session_policy().blacklist:
        return None
    row = OutstandingToken.objects.create(
        user_id=user_id,
        jti=token.jti,
        token=str(token),
        created_at=timezone.now(),
        expires_at=token.expires_at,
    )
    return row.pk


def outstanding_id(token: RefreshToken) -> int:
    """Return the outstanding row of this token, creating it if it predates the blacklist."""
    row, _ = OutstandingToken.objects.get_or_create(
        jti=token.jti,
        defaults={
            "user_id": token.user_id,
            "token": str(token),
            "created_at": timezone.now(),
            "expires_at": token.expires_at,
        },
    )
    return row.pk


def spend(token: RefreshToken) -> None:
    """Blacklist the token as one unique insert; raise AlreadySpent if another request won.

    The insert is the whole check: the database's unique constraint on the blacklisted
    row lets exactly one of any number of concurrent requests through, which a
    check-then-write (simplejwt's get_or_create) does not.
    """
    try:
        BlacklistedToken.objects.create(token_id=outstanding_id(token))
    except IntegrityError as error:
        raise AlreadySpent from error


def blacklist_jti(jti: str) -> None:
    """Blacklist the recorded token with this id if it is not already (logout); idempotent."""
    if not session_policy().blacklist:
        return
    outstanding = OutstandingToken.objects.filter(jti=jti).values_list("pk", flat=True).first()
    if outstanding is not None:
        BlacklistedToken.objects.get_or_create(token_id=outstanding)


def is_blacklisted(token: RefreshToken) -> bool:
    """Return whether this token has been blacklisted."""
    if not session_policy().blacklist:
        return False
    return BlacklistedToken.objects.filter(token__jti=token.jti).exists()
