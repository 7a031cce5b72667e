"""Real server processes and a small HTTP client, for tests that cross process boundaries.

Concurrency, several server processes and the browser can only be tested against a real
server: these start gunicorn on 127.0.0.1 with a database of their own.
"""

import functools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from django.conf import settings

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "correct horse battery staple"
UNTHROTTLED = "100000/minute"


@functools.cache
def documented_error_codes() -> dict[str, int]:
    """Return the README's table of error codes: code -> status."""
    section = (PROJECT_DIR / "README.md").read_text().split("### Error codes", 1)[1].split("\n#", 1)[0]
    return {code: int(status) for status, code in re.findall(r"^\| (\d{3}) \| `(\w+)` \|", section, re.MULTILINE)}


def assert_clean_refusal(response, statuses=range(400, 500)) -> None:
    """A 4xx with a JSON body carrying a documented code, and nothing that looks like a traceback."""
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    code = response.json().get("code")
    assert documented_error_codes().get(code) == response.status_code, f"{code!r} is not in the README's table"
    assert b"Traceback" not in response.content


def logout_body(path: str, refresh_token: str | None, cookie_mode: bool) -> dict:
    """Return the body a logout takes: the refresh token for logout in body mode, else nothing."""
    takes_refresh = path == "/api/auth/logout/" and not cookie_mode
    return {"refresh": refresh_token} if takes_refresh else {}


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


def prepare_database(env: dict, username: str = "alice", password: str = DEMO_PASSWORD) -> None:
    """Migrate the live database and create a user to sign in with, in one process."""
    code = (
        "from django.core.management import call_command; from django.contrib.auth import get_user_model; "
        "call_command('migrate', verbosity=0); call_command('createcachetable'); "
        f"get_user_model().objects.create_user(username={username!r}, password={password!r})"
    )
    manage("shell", "-c", code, env=env)


def create_user(env: dict, username: str, password: str = DEMO_PASSWORD) -> None:
    code = (
        "from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.create_user(username={username!r}, password={password!r})"
    )
    manage("shell", "-c", code, env=env)


@dataclass
class HttpResponse:
    status: int
    body: dict
    cookies: SimpleCookie
    headers: dict = field(default_factory=dict)


class HttpClient:
    """A browser-like client: keeps cookies, sends JSON, reads JSON."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body=None, headers: dict | None = None) -> HttpResponse:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base_url}{path}", data=data, method=method)  # noqa: S310
        request.add_header("Content-Type", "application/json")
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{name}={value}" for name, value in self.cookies.items()))
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return self.read(response, response.status)
        except urllib.error.HTTPError as error:
            return self.read(error, error.code)

    def read(self, response, status: int) -> HttpResponse:
        cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
        for name, morsel in cookies.items():
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value
        raw = response.read()
        is_json = "json" in (response.headers.get("Content-Type") or "")
        body = json.loads(raw) if raw and is_json else {}
        return HttpResponse(status=status, body=body, cookies=cookies, headers=dict(response.headers))


class HttpAuthSession:
    """Signs in, refreshes and logs out over HTTP, in this project's storage mode."""

    def __init__(self, base_url: str):
        self.http = HttpClient(base_url)
        self.access: str | None = None
        self.body_refresh: str | None = None
        from {{ cookiecutter.project_slug }}.authentication.transport import refresh_transport

        self.cookie_mode = refresh_transport.storage == "httponly_cookie"

    def login(self, username: str = "alice", password: str = DEMO_PASSWORD) -> HttpResponse:
        response = self.http.request("POST", "/api/token/", {"username": username, "password": password})
        self.remember(response)
        return response

    @property
    def refresh_token(self) -> str | None:
        if self.cookie_mode:
            return next((value for name, value in self.http.cookies.items() if name.endswith("refresh_token")), None)
        return self.body_refresh

    def refresh(self, refresh_token: str | None = None) -> HttpResponse:
        """Refresh with the held token; with `refresh_token`, as another client holding it would."""
        if refresh_token is not None:
            client = HttpClient(self.http.base_url)
            client.cookies["csrftoken"] = self.csrf_token()
            return self.post_refresh(client, refresh_token)
        response = self.post_refresh(self.http, self.refresh_token)
        self.remember(response)
        return response

    def post_refresh(self, client: HttpClient, token: str | None) -> HttpResponse:
        if self.cookie_mode:
            client.cookies["refresh_token"] = token or ""
            client.cookies.setdefault("csrftoken", self.csrf_token())
            return client.request("POST", "/api/token/refresh/", {}, {"X-CSRFToken": client.cookies["csrftoken"]})
        return client.request("POST", "/api/token/refresh/", {"refresh": token})

    def logout(self, path: str = "/api/auth/logout/") -> HttpResponse:
        body = logout_body(path, self.body_refresh, self.cookie_mode)
        headers = {"Authorization": f"Bearer {self.access}", "X-CSRFToken": self.csrf_token()}
        return self.http.request("POST", path, body, headers)

    def csrf_token(self) -> str:
        """Return the CSRF token a page of this site would hold, loading the demo page for it if needed."""
        if "csrftoken" not in self.http.cookies:
            self.http.request("GET", "/")
        return self.http.cookies["csrftoken"]

    def me(self, access: str | None = None) -> HttpResponse:
        return self.http.request("GET", "/api/me/", headers={"Authorization": f"Bearer {access or self.access}"})

    def remember(self, response: HttpResponse) -> None:
        if response.status == 200:
            self.access = response.body["access"]
            self.body_refresh = response.body.get("refresh", self.body_refresh)
