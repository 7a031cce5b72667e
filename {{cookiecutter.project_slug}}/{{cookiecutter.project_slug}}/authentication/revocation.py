"""Revoked session families, remembered in the cache for as long as their access tokens live.

The database is the record for refresh tokens; this is the fast path that lets an access
token stop working at logout instead of at expiry, at the cost of one cache lookup per
request. JWT_REVOCATION_SYNC_SECONDS > 0 trades that lookup for bounded staleness: each
process remembers the families it found open and re-reads a revocation marker at most
that often, so a logout reaches other processes within that many seconds (at once in the
process that handled it). JWT_REVOCATION_PUBSUB saves it without the staleness: each
process keeps the revoked families in memory, kept current by Redis pub/sub, and asks the
cache only while that set cannot vouch for being current (revocation_feed.py).

They live in a cache of their own, settings.CACHES["revocations"]: in a shared one, a
flood of other keys (throttle counts, one per client IP) would make it cull them, and a
logged-out access token would work again.

The database stays the truth (TokenFamily.revoked_at); the cache only answers faster.
A cache that lost its data (a restart without persistence, a failover, FLUSHDB) is told
apart from one that holds every revocation by FILLED_KEY, written only after a refill from
the database: while it is missing, a miss is asked of the database and one process refills
the cache. A cache that cannot be reached is done without: lookups ask the database, and
revocations are in the database already; when it is back, it is refilled.
"""

import itertools
import threading
import time
import uuid
from collections.abc import Iterable
from datetime import timedelta

from django.core.cache import caches
from django.utils import timezone

from {{ cookiecutter.project_slug }}.core.cache import CACHE_ERRORS, CacheOutage

from .models import TokenFamily
from .policy import session_policy
from .revocation_feed import feed

KEY_PREFIX = "jwt:revoked-family:"
# Rewritten with a new random value on every revocation, so any change is seen.
MARKER_KEY = "jwt:revocations-marker"
# Present while the cache holds every revocation the database has; never written by a
# revocation alone, so a cache emptied since is noticed. It expires, so a revocation that
# could not reach the cache (say, Redis cut off from one process) reaches it within this time.
FILLED_KEY = "jwt:revocations-filled"
REFILL_EVERY = timedelta(seconds=60)
# One process refills at a time; the others ask the database meanwhile.
REFILL_LOCK_KEY = "jwt:revocations-refilling"
REFILL_LOCK_SECONDS = 60
# How often a process that could not write a revocation asks whether the cache is back.
CATCH_UP_POLL_SECONDS = 0.05
WRITE_BATCH = 1000
MAX_REMEMBERED = 100_000
CACHE_ALIAS = "revocations"

outage = CacheOutage(CACHE_ALIAS)


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
        """Re-read the marker if it is due; forget everything if it changed (or cannot be read)."""
        now = time.monotonic()
        if now - self.synced_at < every_seconds:
            return
        try:
            marker = caches[CACHE_ALIAS].get(MARKER_KEY)
        except CACHE_ERRORS as error:
            outage.failed(error)
            self.forget()
            return
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


def revoke_families(family_ids: Iterable[str]) -> None:
    """Make the access tokens of these families fail from now on; the database already says they are revoked."""
    policy = session_policy()
    ids = iter(family_ids)
    while batch := [str(family_id) for family_id in itertools.islice(ids, WRITE_BATCH)]:
        if policy.revocation_pubsub:
            feed.announce(batch)
        cache_revocations(batch, policy.revocation_ttl.total_seconds())
    if not outage.skip():
        try:
            caches[CACHE_ALIAS].set(MARKER_KEY, uuid.uuid4().hex, timeout=None)
            notice_if_back()
        except CACHE_ERRORS as error:
            outage.failed(error)
    open_families.forget()


def cache_revocations(family_ids: list[str], ttl: float) -> None:
    """Write one batch of revocation keys; if the cache is down, have it marked unfilled once it is back."""
    if outage.skip():
        catch_up.start()
        return
    try:
        caches[CACHE_ALIAS].set_many({key(family_id): 1 for family_id in family_ids}, timeout=ttl)
    except CACHE_ERRORS as error:
        outage.failed(error)
        catch_up.start()


class CatchUp:
    """Marks the cache unfilled as soon as it answers again, after this process failed to write a revocation.

    Other processes may never have seen the cache go, and would trust what it kept; without
    FILLED_KEY they ask the database until the cache has been refilled. A thread does it, so
    it happens within CATCH_UP_POLL_SECONDS of the cache's return, whatever the traffic.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        with self.lock:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self.run, name="revocation-catch-up", daemon=True)
                self.thread.start()

    def run(self) -> None:
        while True:
            time.sleep(CATCH_UP_POLL_SECONDS)
            try:
                mark_unfilled()
                return
            except CACHE_ERRORS:
                continue  # still down: try again


def mark_unfilled() -> None:
    """Drop FILLED_KEY (every process asks the database until a refill) and change the sync marker."""
    caches[CACHE_ALIAS].delete(FILLED_KEY)
    caches[CACHE_ALIAS].set(MARKER_KEY, uuid.uuid4().hex, timeout=None)


catch_up = CatchUp()


def write_revocations(family_ids: Iterable[str], ttl: float) -> None:
    """Write revocation keys in batches, so ending a million sessions is not one huge command."""
    store = caches[CACHE_ALIAS]
    ids = iter(family_ids)
    while batch := list(itertools.islice(ids, WRITE_BATCH)):
        store.set_many({key(str(family_id)): 1 for family_id in batch}, timeout=ttl)


def is_family_revoked(family_id: str) -> bool:
    """Return whether this family's access tokens have been revoked."""
    policy = session_policy()
    if policy.revocation_pubsub and (revoked := feed.is_revoked(family_id)) is not None:
        return revoked
    sync_seconds = policy.revocation_sync_seconds
    if outage.skip():
        return revoked_in_database(family_id)
    if not sync_seconds:
        return look_up(family_id)
    open_families.sync_if_due(sync_seconds)
    if family_id in open_families.family_ids:
        return False
    generation = open_families.generation
    revoked = look_up(family_id)
    if not revoked and not outage.skip():
        open_families.remember(family_id, generation)
    return revoked


def look_up(family_id: str) -> bool:
    """Ask the cache, or the database when the cache cannot answer for it (lost data, unreachable)."""
    try:
        found = caches[CACHE_ALIAS].get_many([key(family_id), FILLED_KEY])
    except CACHE_ERRORS as error:
        outage.failed(error)
        return revoked_in_database(family_id)
    if notice_if_back():
        return revoked_in_database(family_id)
    if key(family_id) in found:
        return True
    if FILLED_KEY in found:
        return False
    refill_unless_under_way()
    return revoked_in_database(family_id)


def revoked_in_database(family_id: str) -> bool:
    """Return what the database says: one primary-key lookup."""
    return TokenFamily.objects.filter(pk=family_id, revoked_at__isnull=False).exists()


def notice_if_back() -> bool:
    """If the cache was unreachable until now, mark it unfilled (it missed revocations); return whether it was."""
    if not outage.succeeded():
        return False
    try:
        mark_unfilled()
    except CACHE_ERRORS as error:
        outage.failed(error)
    return True


def refill_unless_under_way() -> None:
    """Refill the cache from the database, unless another process is doing it."""
    store = caches[CACHE_ALIAS]
    try:
        if not store.add(REFILL_LOCK_KEY, 1, timeout=REFILL_LOCK_SECONDS):
            return
        try:
            refill()
        finally:
            store.delete(REFILL_LOCK_KEY)
    except CACHE_ERRORS as error:
        outage.failed(error)


def refill() -> None:
    """Write every revocation whose access tokens may still live, then mark the cache filled."""
    ttl = session_policy().revocation_ttl
    recent = TokenFamily.objects.filter(revoked_at__gte=timezone.now() - ttl)
    write_revocations(recent.values_list("pk", flat=True).iterator(chunk_size=WRITE_BATCH), ttl.total_seconds())
    store = caches[CACHE_ALIAS]
    store.set(FILLED_KEY, 1, timeout=REFILL_EVERY.total_seconds())
    store.set(MARKER_KEY, uuid.uuid4().hex, timeout=None)
