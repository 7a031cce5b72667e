"""Live servers: gunicorn processes of this project on 127.0.0.1, each on a database of its own; redis-servers.

Concurrency, several server processes and the browser can only be tested against a real
server; tests reach it with tests.support.sessions.http_session(server.url).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import redis
from django.conf import settings

from . import PASSWORD, PROJECT_DIR, UNTHROTTLED


def is_listening(host: str, port: int) -> bool:
    """Return whether something accepts connections at host:port."""
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(*args: str, env: dict) -> str:
    """Run a manage.py command in a server's environment; return its output or raise with it."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


@dataclass
class LiveDatabase:
    """A database of its own for live servers: a SQLite file, or a PostgreSQL database."""

    url: str
    sqlite_path: Path | None = None
    postgres_name: str | None = None

    @classmethod
    def create(cls, folder: Path, template: "LiveDatabase | None" = None) -> "LiveDatabase":
        """Create an empty database, or a copy of `template` (much faster than migrating)."""
        if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
            path = folder / f"live-{uuid.uuid4().hex[:8]}.sqlite3"
            if template:
                shutil.copyfile(template.sqlite_path, path)
            return cls(url=f"sqlite:///{path}", sqlite_path=path)
        name = f"live_{uuid.uuid4().hex[:12]}"
        copy = f' TEMPLATE "{template.postgres_name}"' if template else ""
        run_postgres_admin(f'CREATE DATABASE "{name}"{copy}')
        return cls(url=postgres_url(name), postgres_name=name)

    def drop(self) -> None:
        if self.postgres_name:
            run_postgres_admin(f'DROP DATABASE IF EXISTS "{self.postgres_name}" WITH (FORCE)')


def postgres_url(name: str) -> str:
    """Return the URL of database `name` on the project's PostgreSQL server, same credentials."""
    database = settings.DATABASES["default"]
    user, password = database.get("USER") or "", database.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host, port = database.get("HOST") or "127.0.0.1", database.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{name}"


def run_postgres_admin(statement: str) -> None:
    """Run one statement on the server's maintenance database, outside any transaction."""
    import psycopg

    database = settings.DATABASES["default"]
    with psycopg.connect(
        dbname="postgres",
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        host=database.get("HOST") or "127.0.0.1",
        port=database.get("PORT") or 5432,
        autocommit=True,
    ) as connection:
        connection.execute(statement)


# Where a live server writes its access log when its environment names a file here; the
# start_server fixture passes keyword arguments as environment, so start_server(**{...}) asks.
ACCESS_LOG_VARIABLE = "LIVE_SERVER_ACCESS_LOG"
# The access log's line format (gunicorn's --access-logformat), if not gunicorn's default.
ACCESS_LOG_FORMAT_VARIABLE = "LIVE_SERVER_ACCESS_LOG_FORMAT"
# gunicorn's default access-log line: ... "GET /path HTTP/1.1" 200 ...
ACCESS_LOG_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>[^ "?]+)[^ "]* HTTP/[0-9.]+" (?P<status>[0-9]{3}) ')
# gunicorn's default line plus the request's X-Request-Id header ("-" when it has none), so
# tests can tell how often one request reached the server: start_server(**{ACCESS_LOG_FORMAT_VARIABLE: ...}).
REQUEST_ID_ACCESS_LOG_FORMAT = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" request_id=%({x-request-id}i)s'
)
REQUEST_ID_FIELD = re.compile(r" request_id=(?P<request_id>\S+)$")


@dataclass(frozen=True)
class LoggedRequest:
    """One line of a live server's access log."""

    method: str
    path: str
    status: int
    # The X-Request-Id header, with REQUEST_ID_ACCESS_LOG_FORMAT; else None.
    request_id: str | None = None


@dataclass
class LiveServer:
    """A gunicorn process serving this project on 127.0.0.1.

    With `access_log` (or LIVE_SERVER_ACCESS_LOG in `env`) gunicorn logs every request
    there, so tests can count what reached the server, e.g. refreshes across browser tabs.
    """

    env: dict
    workers: int = 2
    threads: int = 8
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    access_log: Path | None = None
    access_log_format: str | None = None  # gunicorn's default unless set (or ACCESS_LOG_FORMAT_VARIABLE)

    def __post_init__(self) -> None:
        if self.access_log is None and self.env.get(ACCESS_LOG_VARIABLE):
            self.access_log = Path(self.env[ACCESS_LOG_VARIABLE])
        if self.access_log_format is None and self.env.get(ACCESS_LOG_FORMAT_VARIABLE):
            self.access_log_format = self.env[ACCESS_LOG_FORMAT_VARIABLE]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "LiveServer":
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", str(self.workers), "--threads", str(self.threads), "--log-level", "warning"]
        if self.access_log is not None:
            command += ["--access-logfile", str(self.access_log)]  # appended to, across restarts
            if self.access_log_format:
                command += ["--access-logformat", self.access_log_format]
        self.process = subprocess.Popen(command, cwd=PROJECT_DIR, env=self.env)
        self.wait_until_ready()
        return self

    def wait_until_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            try:
                urllib.request.urlopen(f"{self.url}/api/me/", timeout=1)  # noqa: S310 (our own URL)
            except urllib.error.HTTPError:
                return  # an answer (401) means it is serving
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start in time")

    def stop(self, graceful: bool = False) -> None:
        """Stop the server: at once (SIGINT), or gracefully (SIGTERM: requests under way are answered)."""
        if self.process is None or self.process.poll() is not None:
            return
        # SIGINT is gunicorn's quick shutdown; SIGTERM its graceful one, which stops accepting
        # at once but answers the requests it has begun.
        self.process.send_signal(signal.SIGTERM if graceful else signal.SIGINT)
        try:
            self.process.wait(timeout=40 if graceful else 10)
        except subprocess.TimeoutExpired:
            self.process.kill()  # a loaded machine can be slow to stop; never leave it running
            self.process.wait(timeout=10)

    def restart(self, graceful: bool = True) -> "LiveServer":
        """Stop the server and start it again on the same port, environment and database.

        While it is down, connections are refused: clients see a network error.
        """
        self.stop(graceful=graceful)
        return self.start()

    def logged_requests(self) -> list[LoggedRequest]:
        """Return the requests the server has answered so far, from its access log, oldest first."""
        if self.access_log is None:
            raise RuntimeError(f"start the server with access_log (or {ACCESS_LOG_VARIABLE}) to read its requests")
        if not self.access_log.exists():
            return []
        logged = []
        for line in self.access_log.read_text(errors="replace").splitlines():
            if match := ACCESS_LOG_LINE.search(line):
                request_id = REQUEST_ID_FIELD.search(line)
                request_id = request_id["request_id"] if request_id and request_id["request_id"] != "-" else None
                logged.append(LoggedRequest(match["method"], match["path"], int(match["status"]), request_id))
        return logged

    def count_requests(self, method: str, path: str, status: int | None = None) -> int:
        """Return how many `method path` requests the server has answered (with `status`, if given)."""
        return sum(
            1
            for logged in self.logged_requests()
            if logged.method == method and logged.path == path and (status is None or logged.status == status)
        )


def server_env(database: LiveDatabase, **overrides: str) -> dict:
    """Return the environment of a live server: test settings, its database, a shared cache."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database.url}
    # Several processes must share one cache: Redis if given, else the database cache.
    env["TEST_LOCAL_CACHE"] = "false"
    # Throttles are tested on their own; elsewhere they would only make tests flaky.
    env |= {"JWT_LOGIN_THROTTLE_RATE": UNTHROTTLED, "JWT_REFRESH_THROTTLE_RATE": UNTHROTTLED}
    env |= {"JWT_VERIFY_THROTTLE_RATE": UNTHROTTLED, "JWT_LOGIN_ACCOUNT_THROTTLE_RATE": UNTHROTTLED}
    env.update(overrides)
    return env


def prepare_database(env: dict, username: str = "alice", password: str = PASSWORD) -> None:
    """Migrate the live database and create a user to sign in with, in one process."""
    code = (
        "from django.core.management import call_command; from django.contrib.auth import get_user_model; "
        "call_command('migrate', verbosity=0); call_command('createcachetable'); "
        f"get_user_model().objects.create_user(username={username!r}, password={password!r})"
    )
    manage("shell", "-c", code, env=env)


def create_user(env: dict, username: str, password: str = PASSWORD) -> None:
    code = (
        "from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.create_user(username={username!r}, password={password!r})"
    )
    manage("shell", "-c", code, env=env)


class RedisServer:
    """A redis-server of the test's own on a free port, to stop, restart and flush at will."""

    def __init__(self, folder, policy: str = "noeviction"):
        self.folder, self.policy, self.port = folder, policy, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> "RedisServer":
        """Start it; it loads what a stop(keep_data=True) saved, else it starts empty."""
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder)]
        command += ["--save", "", "--appendonly", "no", "--maxmemory-policy", self.policy]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        self.wait_until_ready()
        return self

    def wait_until_ready(self, seconds: float = 10) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self, keep_data: bool = False) -> None:
        """Stop it: its data is gone (a restart without persistence), or saved to disk first."""
        if self.process is None:
            return
        if keep_data:
            redis.Redis.from_url(self.url).save()
        else:
            (self.folder / "dump.rdb").unlink(missing_ok=True)
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process = None

    def restart(self, keep_data: bool = False) -> None:
        self.stop(keep_data=keep_data)
        self.start()

    def flush(self) -> None:
        redis.Redis.from_url(self.url).flushdb()


def all_at_once(count: int, action):
    """Run `action` in `count` threads released together; return the results."""
    barrier = threading.Barrier(count)

    def run(_):
        barrier.wait()
        return action()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))
