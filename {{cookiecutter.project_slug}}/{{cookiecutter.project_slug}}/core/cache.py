"""Django's Redis cache, keeping one Redis client per connection pool, clearing only its own keys;
and how this process tells that a cache is unreachable, so callers can do without it.

Django's RedisCacheClient builds a new `redis.Redis` for every operation; redis-py fills
~170 response callbacks in its constructor, which on the revocation lookup every
authenticated request makes costs more than the round trip itself.
"""

import logging
import re
import threading
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import RedisError

DELETE_BATCH = 1000
# What a cache that cannot be reached raises: Redis's errors (connection refused, timed
# out), or the socket's own.
CACHE_ERRORS = (RedisError, OSError)
# While a cache is down, ask it again at most this often, so requests do not each wait for it.
RETRY_SECONDS = 2.0

logger = logging.getLogger(__name__)


class ReusingRedisCacheClient(RedisCacheClient):
    """A RedisCacheClient that builds each pool's `redis.Redis` once (it is thread-safe)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """settings.CACHES backend: Django's RedisCache with the client reused."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def redis_client(self):
        """Return the `redis.Redis` this cache writes through, for what Django's API lacks (pub/sub)."""
        return self._cache.get_client(write=True)

    def clear(self) -> bool:
        """Delete this cache's keys (every version) and no others.

        Django's clear() empties the whole Redis database (FLUSHDB): on the "default" alias
        that would also drop the revocations kept beside it, and logged-out access tokens
        would work again.
        """
        client = self._cache.get_client(write=True)
        pattern = re.sub(r"([*?\[\]\\])", r"\\\1", self.key_prefix) + ":*"
        batch = []
        for key in client.scan_iter(match=pattern, count=DELETE_BATCH):
            batch.append(key)
            if len(batch) == DELETE_BATCH:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)
        return True


class CacheOutage:
    """Whether a cache is reachable from this process, with one log line when it goes and one when it is back."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.lock = threading.Lock()
        self.down_since: float | None = None
        self.retry_at = 0.0

    def skip(self) -> bool:
        """Return whether to do without the cache now: it failed, and it is not yet time to try again."""
        return self.down_since is not None and time.monotonic() < self.retry_at

    def failed(self, error: Exception) -> None:
        """Note that the cache could not be reached; log it the first time."""
        now = time.monotonic()
        with self.lock:
            first = self.down_since is None
            if first:
                self.down_since = now
            self.retry_at = now + RETRY_SECONDS
        if first:
            logger.error(
                "Cache %r is unreachable (%s): answering from the database until it is back.", self.alias, error
            )

    def succeeded(self) -> bool:
        """Note that the cache answered; return True (and log it) if it was down until now."""
        if self.down_since is None:
            return False
        with self.lock:
            down_since, self.down_since = self.down_since, None
        if down_since is None:
            return False
        logger.warning("Cache %r is reachable again after %.1f s.", self.alias, time.monotonic() - down_since)
        return True
