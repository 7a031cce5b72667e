"""Revoked session families, remembered in the cache for as long as their access tokens live.

The database is the record for refresh tokens; this is the fast path that lets an access
token stop working at logout instead of at expiry, at the cost of one cache lookup per
request. JWT_REVOCATION_SYNC_SECONDS > 0 trades that lookup for bounded staleness: each
process remembers the families it found open and re-reads a revocation marker at most
that often, so a logout reaches other processes within that many seconds (at once in the
process that handled it).

They live in a cache of their own, settings.CACHES["revocations"]: in a shared one, a
flood of other keys (throttle counts, one per client IP) would make it cull them, and a
logged-out access token would work again.
"""

import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from itertools import islice

from django.core.cache import caches

from .policy import session_policy

KEY_PREFIX = "jwt:revoked-family:"
# Rewritten with a new random value on every revocation, so any change is seen.
MARKER_KEY = "jwt:revocations-marker"
MAX_REMEMBERED = 100_000
# Revocations written to the cache per set_many: one Redis pipeline or one batch, never
# a quarter of a million keys in one.
CHUNK_SIZE = 1000
CACHE_ALIAS = "revocations"


class OpenFamilies:
    """The families this process has found not revoked since the marker last changed."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.family_ids: set[str] = set()
        self.marker = None
        self.synced_at = float("-inf")
        # Counts the times the set was emptied, so a lookup that began before one of them
        # cannot put back a family that may have been revoked meanwhile.
        self.generation = 0

    def forget(self) -> None:
        with self.lock:
            self.clear()
            self.synced_at = float("-inf")

    def clear(self) -> None:
        """Empty the set; the caller holds the lock."""
        self.family_ids.clear()
        self.generation += 1

    def sync_if_due(self, every_seconds: float) -> None:
        """Re-read the marker if it is due; forget everything if it changed."""
        now = time.monotonic()
        if now - self.synced_at < every_seconds:
            return
        marker = caches[CACHE_ALIAS].get(MARKER_KEY)
        with self.lock:
            if marker != self.marker or len(self.family_ids) > MAX_REMEMBERED:
                self.clear()
                self.marker = marker
            self.synced_at = now

    def remember(self, family_id: str, generation: int) -> None:
        """Remember the family as open, unless the set was emptied since the lookup began."""
        with self.lock:
            if generation == self.generation:
                self.family_ids.add(family_id)


open_families = OpenFamilies()


def key(family_id: str) -> str:
    return f"{KEY_PREFIX}{family_id}"


def chunks(items: Iterable, size: int) -> Iterator[list]:
    """Yield the items in lists of at most `size` (itertools.batched, from Python 3.12)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def revoke_families(family_ids: Iterable[str]) -> None:
    """Make the access tokens of these families fail from now on; any number of them, a chunk at a time."""
    ttl = session_policy().revocation_ttl.total_seconds()
    store = caches[CACHE_ALIAS]
    for chunk in chunks(family_ids, CHUNK_SIZE):
        store.set_many({key(family_id): 1 for family_id in chunk}, timeout=ttl)
    store.set(MARKER_KEY, uuid.uuid4().hex, timeout=None)
    open_families.forget()


def is_family_revoked(family_id: str) -> bool:
    """Return whether this family's access tokens have been revoked."""
    sync_seconds = session_policy().revocation_sync_seconds
    if not sync_seconds:
        return caches[CACHE_ALIAS].get(key(family_id)) is not None
    open_families.sync_if_due(sync_seconds)
    if family_id in open_families.family_ids:
        return False
    generation = open_families.generation
    revoked = caches[CACHE_ALIAS].get(key(family_id)) is not None
    if not revoked:
        open_families.remember(family_id, generation)
    return revoked
