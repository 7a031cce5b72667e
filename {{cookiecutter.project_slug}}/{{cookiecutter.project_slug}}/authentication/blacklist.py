"""Per-token records in simplejwt's blacklist app: issued (outstanding) and spent (blacklisted).

Only in projects generated with the blacklist (token_blacklist); the session layer calls
these on sign-in, refresh and logout, and spends tokens only when rotation does.
https://django-rest-framework-simplejwt.readthedocs.io/en/latest/blacklist_app.html
"""

import hashlib

from django.db import IntegrityError
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from .tokens import RefreshToken


class AlreadySpent(Exception):
    """The refresh token had already been spent (blacklisted) by an earlier request."""


# Marks a stored digest, so migrations/0003 can tell the rows it has digested from older ones.
DIGEST_PREFIX = "sha256:"


def token_digest(encoded: str) -> str:
    """Return what is stored of a refresh token: its SHA-256, never the token.

    A live token read from a backup, the admin or an SQL injection would sign its thief in;
    nothing here needs the token back (records are found by jti), so only a digest is kept.
    """
    return DIGEST_PREFIX + hashlib.sha256(encoded.encode()).hexdigest()


def record_issued(token: RefreshToken, encoded: str, user_id) -> None:
    """Record a newly issued refresh token as outstanding (its digest, not the token)."""
    OutstandingToken.objects.create(
        user_id=user_id,
        jti=token.jti,
        token=token_digest(encoded),
        created_at=timezone.now(),
        expires_at=token.expires_at,
    )


def recorded_id(token: RefreshToken) -> int | None:
    """Return the id of the token's outstanding row, or None if it has none (yet)."""
    return OutstandingToken.objects.filter(jti=token.jti).values_list("pk", flat=True).first()


def spend(token: RefreshToken, encoded: str, outstanding_id: int | None) -> None:
    """Blacklist the token as one unique insert; raise AlreadySpent if another request won.

    The insert is the whole check: the database's unique constraint on the blacklisted
    row lets exactly one of any number of concurrent requests through, which a
    check-then-write (simplejwt's get_or_create) does not.
    """
    if outstanding_id is None:  # issued before the blacklist was installed
        defaults = {"user_id": token.user_id, "token": token_digest(encoded), "expires_at": token.expires_at}
        outstanding_id = OutstandingToken.objects.get_or_create(jti=token.jti, defaults=defaults)[0].pk
    try:
        BlacklistedToken.objects.create(token_id=outstanding_id)
    except IntegrityError as error:
        # The surrounding transaction is broken now (PostgreSQL); the caller leaves it.
        raise AlreadySpent from error


def blacklist_jti(jti: str) -> None:
    """Blacklist the recorded token with this id if it is not already (logout); idempotent."""
    outstanding = OutstandingToken.objects.filter(jti=jti).values_list("pk", flat=True).first()
    if outstanding is not None:
        BlacklistedToken.objects.get_or_create(token_id=outstanding)


def is_blacklisted(token: RefreshToken) -> bool:
    """Return whether this token has been blacklisted."""
    return BlacklistedToken.objects.filter(token__jti=token.jti).exists()
