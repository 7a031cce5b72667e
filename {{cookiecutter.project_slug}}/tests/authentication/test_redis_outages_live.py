"""Redis lost, flushed, down and back, with two gunicorn servers sharing it: they agree, and nothing answers 5xx.

The in-process details (refill, logs, throttles) are in test_cache_faults.py; PostgreSQL
dropping its connections, as a restart does, is at the end.
"""

{% if cookiecutter.revoke_access_on_logout == "yes" -%}
import time

{% endif -%}
import pytest
from django.conf import settings

from tests.support.servers import LiveServer, run_postgres_admin
{%- if cookiecutter.revoke_access_on_logout == "yes" %}
from tests.support.sessions import AuthSession, http_session
{%- else %}
from tests.support.sessions import http_session
{%- endif %}

pytestmark = pytest.mark.live_server_process
{%- if cookiecutter.revoke_access_on_logout == "yes" %}
CATCH_UP_MARGIN_SECONDS = 1.0
{%- endif %}


@pytest.fixture
def two_servers(own_redis, start_server, tmp_path):
    """Two gunicorn servers (two workers each) on one database and the test's own Redis, with access logs."""
    return tuple(
        start_server(REDIS_URL=own_redis.url, LIVE_SERVER_ACCESS_LOG=str(tmp_path / f"access-{name}.log"))
        for name in ("first", "second")
    )


def server_errors(*servers: LiveServer) -> list:
    return [logged for server in servers for logged in server.logged_requests() if logged.status >= 500]
{%- if cookiecutter.revoke_access_on_logout == "yes" %}


def logged_out_everywhere(two_servers) -> tuple[AuthSession, AuthSession, str]:
    """Sign in on the first server, use the token on both, log out on the first; return both sessions and the token."""
    first, second = two_servers
    on_first, on_second = http_session(first.url), http_session(second.url)
    on_first.login()
    access = on_first.access
    assert on_first.get("/api/me/").status_code == on_second.get("/api/me/", access).status_code == 200
    assert on_first.logout().status_code == 205
    return on_first, on_second, access


@pytest.mark.parametrize("loss", ["restart", "flushdb"])
def test_a_logout_holds_on_both_servers_after_redis_loses_its_data(two_servers, own_redis, loss):
    on_first, on_second, access = logged_out_everywhere(two_servers)

    own_redis.restart() if loss == "restart" else own_redis.flush()

    assert on_first.get("/api/me/", access).status_code == 401
    assert on_second.get("/api/me/", access).status_code == 401
{%- endif %}


def test_with_redis_down_both_servers_sign_in_call_refresh_and_log_out(two_servers, own_redis):
    first, second = two_servers
    own_redis.stop()
    on_first, on_second = http_session(first.url), http_session(second.url)

    assert on_first.login().status_code == 200
    assert on_second.get("/api/me/", on_first.access).status_code == 200
    assert on_first.refresh().status_code == 200
    assert on_second.get("/api/me/", on_first.access).status_code == 200
    assert on_first.logout().status_code == 205
    assert server_errors(first, second) == []
{%- if cookiecutter.revoke_access_on_logout == "yes" %}


def test_a_logout_while_redis_is_down_holds_on_both_servers_then_and_once_it_is_back(two_servers, own_redis):
    first, second = two_servers
    on_first, on_second = http_session(first.url), http_session(second.url)
    on_first.login()
    access = on_first.access
    assert on_second.get("/api/me/", access).status_code == 200  # the second server's cache knows it open
    own_redis.stop(keep_data=True)

    assert on_first.logout().status_code == 205
    refused_while_down = [session.get("/api/me/", access).status_code for session in (on_first, on_second)]
    own_redis.start()
    # The process that could not record the logout marks Redis unfilled within 0.05 s of its return
    # (a worker that never saw Redis go would otherwise trust what it kept); a generous margin here.
    time.sleep(CATCH_UP_MARGIN_SECONDS)
    refused_once_back = [session.get("/api/me/", access).status_code for session in (on_first, on_second) * 4]

    assert refused_while_down == [401, 401]
    assert refused_once_back == [401] * 8  # each server's two workers, whichever answers
    assert server_errors(first, second) == []
{%- endif %}


def test_health_is_degraded_but_200_on_both_servers_while_redis_is_down(two_servers, own_redis):
    own_redis.stop()

    answers = [http_session(server.url).client.get("/api/health/") for server in two_servers]

    assert [answer.status_code for answer in answers] == [200, 200]
    assert {answer.json()["cache"] for answer in answers} == {"unavailable"}


def test_health_is_503_when_the_database_cannot_be_reached(start_server, tmp_path):
    server = start_server(DATABASE_URL=f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite3'}", REDIS_URL="")

    answer = http_session(server.url).client.get("/api/health/")

    assert answer.status_code == 503
    assert answer.json()["database"] == "unavailable"


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="only a PostgreSQL project has server connections to drop (DATABASE_URL decides)",
)
def test_the_next_request_succeeds_after_postgresql_drops_every_connection(two_servers):
    first, _ = two_servers
    session = http_session(first.url)
    session.login()
    database = first.env["DATABASE_URL"].rsplit("/", 1)[1]

    # What a PostgreSQL restart does to the server's open connections.
    terminate = f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'"  # noqa: S608 (our own name)
    run_postgres_admin(terminate)

    assert session.refresh().status_code == 200
