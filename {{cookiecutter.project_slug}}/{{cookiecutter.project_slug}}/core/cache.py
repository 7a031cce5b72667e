"""Django's Redis cache, keeping one Redis client per connection pool, clearing only its own keys.

Django's RedisCacheClient builds a new `redis.Redis` for every operation; redis-py fills
~170 response callbacks in its constructor, which on the revocation lookup every
authenticated request makes costs more than the round trip itself.
"""

import re

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

DELETE_BATCH = 1000


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
