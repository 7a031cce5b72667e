"""Per-token records in simplejwt's blacklist app: issued (outstanding) and spent (blacklisted).

Only in projects generated with the blacklist (token_blacklist); the session layer calls
these on sign-in, refresh and logout, and spends tokens only when rotation does.
https://django-rest-framework-simplejwt.readthedocs.io/en/latest/blacklist_app.html
"""

import hashlib

from django.db import IntegrityError, connection
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from {{ cookiecutter.project_slug }}.core import statements

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
    digest = token_digest(encoded)
    outstanding = OutstandingToken(
        user_id=user_id, jti=token.jti, token=digest, created_at=timezone.now(), expires_at=token.expires_at
    )
    statements.insert(outstanding)  # on every sign-in and refresh


def spend(token: RefreshToken, encoded: str) -> None:
    """Blacklist the token as one unique insert; raise AlreadySpent if another request won.

    The insert is the whole check: the database's unique constraint on the blacklisted
    row lets exactly one of any number of concurrent requests through, which a
    check-then-write (simplejwt's get_or_create) does not.
    """
    try:
        if not blacklist_outstanding(token.jti):  # issued before the blacklist was installed
            defaults = {"user_id": token.user_id, "token": token_digest(encoded), "expires_at": token.expires_at}
            outstanding = OutstandingToken.objects.get_or_create(jti=token.jti, defaults=defaults)[0]
            BlacklistedToken.objects.create(token=outstanding)
    except IntegrityError as error:
        # The surrounding transaction is broken now (PostgreSQL); the caller leaves it.
        raise AlreadySpent from error


def blacklist_outstanding(jti: str) -> bool:
    """Blacklist the outstanding token with this jti in one INSERT … SELECT; return whether it has a row.

    One statement instead of a lookup then an insert: the row's id is found by the write itself.
    """
    blacklisted, outstanding = BlacklistedToken._meta, OutstandingToken._meta
    quote = connection.ops.quote_name
    into = f"{quote(blacklisted.db_table)} ({quote('token_id')}, {quote('blacklisted_at')})"
    source = f"{quote(outstanding.db_table)} WHERE {quote('jti')} = %s"
    # Only quoted table and column names are formatted in; the values are parameters.
    sql = f"INSERT INTO {into} SELECT {quote('id')}, %s FROM {source}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [connection.ops.adapt_datetimefield_value(timezone.now()), jti])
        return cursor.rowcount > 0


def blacklist_jti(jti: str) -> None:
    """Blacklist the recorded token with this id if it is not already (logout); idempotent."""
    outstanding = OutstandingToken.objects.filter(jti=jti).values_list("pk", flat=True).first()
    if outstanding is not None:
        BlacklistedToken.objects.get_or_create(token_id=outstanding)


def is_blacklisted(token: RefreshToken) -> bool:
    """Return whether this token has been blacklisted."""
    return BlacklistedToken.objects.filter(token__jti=token.jti).exists()
