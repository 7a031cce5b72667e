"""Revoked session families, remembered in the cache for as long as their access tokens live.

The database is the record for refresh tokens; this is the fast path that lets an access
token stop working at logout instead of at expiry, at the cost of one cache lookup.
"""

from collections.abc import Iterable

from django.core.cache import cache

from .policy import session_policy

KEY_PREFIX = "jwt:revoked-family:"


def revoke_families(family_ids: Iterable[str]) -> None:
    """Make the access tokens of these families fail from now on."""
    ttl = session_policy().revocation_ttl.total_seconds()
    cache.set_many({f"{KEY_PREFIX}{family_id}": 1 for family_id in family_ids}, timeout=ttl)


def is_family_revoked(family_id: str) -> bool:
    """Return whether this family's access tokens have been revoked."""
    return cache.get(f"{KEY_PREFIX}{family_id}") is not None
