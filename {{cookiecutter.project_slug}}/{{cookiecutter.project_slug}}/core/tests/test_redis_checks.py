"""The system check that the Redis holding revocations never evicts them, against a real redis-server."""

import os
import shutil
import subprocess
import sys
import time

import pytest
import redis

from {{ cookiecutter.project_slug }}.core.testing import PROJECT_DIR, free_port

pytestmark = pytest.mark.live_server_process


@pytest.fixture
def start_redis(tmp_path):
    """Return a function that starts a redis-server of the test's own with a given eviction policy."""
    if shutil.which("redis-server") is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("CI must run this for real, but redis-server is not installed")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    servers = []

    def start(policy: str) -> str:
        port = free_port()
        command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--maxmemory-policy", policy]
        servers.append(subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.DEVNULL))
        url = f"redis://127.0.0.1:{port}/0"
        wait_for_redis(url)
        return url

    yield start
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


def wait_for_redis(url: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            redis.Redis.from_url(url).ping()
            return
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def system_check(redis_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "REDIS_URL": redis_url, "TEST_LOCAL_CACHE": "false"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("policy", ["volatile-lru", "allkeys-lru"])
def test_check_warns_when_redis_may_evict_revocations(start_redis, policy):
    result = system_check(start_redis(policy))

    assert "core.W001" in result.stderr + result.stdout
    assert policy in result.stderr + result.stdout


def test_check_is_silent_when_redis_never_evicts(start_redis):
    result = system_check(start_redis("noeviction"))

    assert result.returncode == 0, result.stderr
    assert "core.W00" not in result.stderr + result.stdout
