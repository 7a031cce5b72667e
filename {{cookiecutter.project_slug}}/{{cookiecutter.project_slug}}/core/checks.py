"""System checks of what settings alone cannot tell: how the Redis behind the caches is configured."""

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.checks import Tags, Warning, register
from redis.exceptions import RedisError

# Every other policy lets Redis drop keys under memory pressure; the volatile-* ones drop
# exactly the keys with a TTL, which every revocation has.
# https://redis.io/docs/latest/develop/reference/eviction/
NEVER_EVICTS = "noeviction"
EVICTION_HINT = "Set maxmemory-policy noeviction on this Redis, or give the revocations a Redis of their own."


def eviction_policy(cache: RedisCache) -> str:
    """Return the maxmemory-policy of the Redis behind this cache."""
    return cache._cache.get_client().config_get("maxmemory-policy")["maxmemory-policy"]


@register(Tags.caches)
def check_revocations_are_never_evicted(app_configs, **kwargs) -> list[Warning]:
    """Warn unless the Redis holding revocations never evicts: an evicted one revives a logged-out token."""
    cache = caches["revocations"]
    if not isinstance(cache, RedisCache):
        return []  # the database cache culls expired rows first, and only past a million
    try:
        policy = eviction_policy(cache)
    except (RedisError, KeyError) as error:
        # Managed Redis services often refuse CONFIG; the operator has to check by hand.
        return [Warning(f"Could not read Redis's maxmemory-policy ({error}).", hint=EVICTION_HINT, id="core.W002")]
    if policy == NEVER_EVICTS:
        return []
    message = (
        f"Redis's maxmemory-policy is {policy}: under memory pressure it evicts revocations, "
        "and logged-out access tokens work again."
    )
    return [Warning(message, hint=EVICTION_HINT, id="core.W001")]
