"""The system check that the Redis holding revocations never evicts them, against a real redis-server."""

import os
import subprocess
import sys

import pytest

from {{ cookiecutter.project_slug }}.core.testing import PROJECT_DIR

pytestmark = pytest.mark.live_server_process


def system_check(redis_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "REDIS_URL": redis_url, "TEST_LOCAL_CACHE": "false"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def redis_with_policy(own_redis):
    """Return a function that sets the eviction policy of the test's own redis-server; returns its URL."""
    import redis

    def with_policy(policy: str) -> str:
        redis.Redis.from_url(own_redis.url).config_set("maxmemory-policy", policy)
        return own_redis.url

    return with_policy


@pytest.mark.parametrize("policy", ["volatile-lru", "allkeys-lru"])
def test_check_warns_when_redis_may_evict_revocations(redis_with_policy, policy):
    result = system_check(redis_with_policy(policy))

    assert "core.W001" in result.stderr + result.stdout
    assert policy in result.stderr + result.stdout


def test_check_is_silent_when_redis_never_evicts(redis_with_policy):
    result = system_check(redis_with_policy("noeviction"))

    assert result.returncode == 0, result.stderr
    assert "core.W00" not in result.stderr + result.stdout
