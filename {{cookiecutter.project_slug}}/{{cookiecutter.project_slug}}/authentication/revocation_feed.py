"""Revoked session families pushed to every process by Redis pub/sub, so a request asks nobody.

With JWT_REVOCATION_PUBSUB each process keeps the families revoked within the revocation
TTL in a set of its own. A subscriber thread fills it from the database once subscribed
(so nothing published before the subscription is missed) and adds what every logout
publishes. The set answers only while it is provably current: the thread pings Redis
over the subscription every PING_EVERY seconds, and Redis sends each subscriber its
messages in order, so a pong for a ping sent at time t proves every revocation published
before t has arrived. A request trusts the set only within MAX_LAG of the ping behind the
latest pong; otherwise (subscription down, reconnecting, not yet filled, or the thread
starved of CPU) it asks the cache as without pub/sub, so a missed message can never let a
revoked token through, and a logout holds on every process within MAX_LAG.

A revocation that could not be published (Redis cut off from the process that made it)
reaches the others from the database within REFILL_EVERY, as with the cache's FILLED_KEY.
https://redis.io/docs/latest/develop/interact/pubsub/
"""

import logging
import os
import threading
import time
from collections.abc import Iterable
from functools import partial

from django.core.cache import caches
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from {{ cookiecutter.project_slug }}.core.cache import CACHE_ERRORS, RedisCache

from .models import TokenFamily
from .policy import session_policy

CHANNEL_KEY = "jwt:revocations-channel"
# A request trusts the set for this long after the ping behind the latest pong was sent:
# the most a logout takes to hold on another process.
MAX_LAG = 0.1
PING_EVERY = 0.025
# No pong for this long: the connection is dead even if the socket does not say so.
DEAD_AFTER = 5.0
RECONNECT_SECONDS = 1.0
REFILL_EVERY = 60.0
# Past this many remembered revocations (a mass logout), requests ask the cache instead.
MAX_REMEMBERED = 100_000

logger = logging.getLogger(__name__)


class RevocationFeed:
    """This process's set of revoked families and the subscriber thread that keeps it current."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        # family id -> time.monotonic() after which its access tokens have all expired
        self.revoked: dict[str, float] = {}
        self.current_until = 0.0
        self.owner_pid: int | None = None
        self.stopping = threading.Event()

    def is_revoked(self, family_id: str) -> bool | None:
        """Return whether the family is revoked, or None when the set cannot vouch for it now."""
        self.start_once_per_process()
        if time.monotonic() >= self.current_until or len(self.revoked) > MAX_REMEMBERED:
            return None
        return family_id in self.revoked

    def start_once_per_process(self) -> None:
        # Per process id: a thread started before gunicorn forks does not run in its workers.
        if self.owner_pid == os.getpid():
            return
        with self.lock:
            if self.owner_pid == os.getpid():
                return
            self.owner_pid, self.current_until = os.getpid(), 0.0
            self.stopping.clear()
            threading.Thread(target=self.run, name="revocation-feed", daemon=True).start()

    def stop(self) -> None:
        """Stop the subscriber thread; the set stops answering."""
        self.stopping.set()
        self.current_until = 0.0
        self.owner_pid = None

    def announce(self, family_ids: list[str]) -> None:
        """Remember these revocations here at once, and publish them once the transaction commits."""
        self.remember(family_ids, time.monotonic() + session_policy().revocation_ttl.total_seconds())
        transaction.on_commit(partial(publish, family_ids))

    def remember(self, family_ids: Iterable[str], until: float) -> None:
        with self.lock:
            for family_id in family_ids:
                self.revoked[family_id] = max(until, self.revoked.get(family_id, 0.0))

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                self.follow()
            except (*CACHE_ERRORS, DatabaseError) as error:
                logger.warning("Revocation feed interrupted (%s): requests ask the cache until it is back.", error)
            except Exception:
                # Anything else would end the thread for good and leave every request asking the cache.
                logger.exception("Revocation feed failed: requests ask the cache until it is back.")
            self.current_until = 0.0
            self.stopping.wait(RECONNECT_SECONDS)

    def follow(self) -> None:
        """Subscribe, fill the set from the database, then apply messages and pongs until told to stop."""
        store = caches["revocations"]
        if not isinstance(store, RedisCache):
            self.stopping.set()  # only Redis publishes; the cache answers every request instead
            return
        subscription = store.redis_client().pubsub()
        try:
            subscription.subscribe(store.make_key(CHANNEL_KEY))
            while subscription.get_message(timeout=RECONNECT_SECONDS) is None:
                pass  # the confirmation: from here on, every revocation published reaches us
            self.listen(subscription)
        finally:
            subscription.close()

    def listen(self, subscription) -> None:
        filled_at = float("-inf")
        pinged_at = last_pong = time.monotonic()
        while not self.stopping.is_set():
            now = time.monotonic()
            if now - filled_at >= REFILL_EVERY:
                self.fill_from_database()
                filled_at = now
                self.forget_expired()
            if now - pinged_at >= PING_EVERY:
                subscription.ping(repr(now))
                pinged_at = now
            if now - last_pong > DEAD_AFTER:
                raise TimeoutError("no pong from Redis")
            message = subscription.get_message(timeout=PING_EVERY)
            if message and message["type"] == "pong":
                last_pong = time.monotonic()
                self.current_until = float(message["data"]) + MAX_LAG
            elif message and message["type"] == "message":
                self.remember(message["data"].decode().split(), self.expiry())

    def expiry(self) -> float:
        return time.monotonic() + session_policy().revocation_ttl.total_seconds()

    def fill_from_database(self) -> None:
        """Remember every family revoked within the TTL, with the time its access tokens expire."""
        ttl = session_policy().revocation_ttl
        now, monotonic_now = timezone.now(), time.monotonic()
        try:
            recent = TokenFamily.objects.filter(revoked_at__gte=now - ttl).values_list("pk", "revoked_at")
            for family_id, revoked_at in recent.iterator(chunk_size=1000):
                self.remember([str(family_id)], monotonic_now + (revoked_at + ttl - now).total_seconds())
        finally:
            connection.close()  # this thread's own connection; it is used once a minute

    def forget_expired(self) -> None:
        now = time.monotonic()
        with self.lock:
            self.revoked = {family_id: until for family_id, until in self.revoked.items() if until > now}


def publish(family_ids: list[str]) -> None:
    """Tell every process's feed about these revocations; if Redis cannot be reached, they refill."""
    store = caches["revocations"]
    if not isinstance(store, RedisCache):
        return
    try:
        store.redis_client().publish(store.make_key(CHANNEL_KEY), " ".join(family_ids))
    except CACHE_ERRORS as error:
        logger.warning(
            "Could not publish %d revocations (%s): other processes read them within %d s.",
            len(family_ids),
            error,
            REFILL_EVERY,
        )


feed = RevocationFeed()
