"""A baked project deployed as people deploy it: the API and a front end on hosts of their own.

The API runs under gunicorn at http://api.example.test:<port> and the front end is served
from a second server at http://app.example.test:<port>; Chromium maps both names to
127.0.0.1 (--host-resolver-rules), so the browser sees two sibling hosts on plain http:
cross-origin, same-site, and not a secure context (no Web Locks). Nothing here imports the
baked project: its servers are started with the environment its settings read.
"""

import fcntl
import functools
import hashlib
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

APP_HOST = "app.example.test"
API_HOST = "api.example.test"
PASSWORD = "correct horse battery staple"
FRONTENDS = Path(__file__).resolve().parent / "frontends"
REACT_APP = FRONTENDS / "react"
# Every *.example.test name reaches this machine, whatever the system's resolver says.
CHROMIUM_ARGS = (
    "--host-resolver-rules=MAP *.example.test 127.0.0.1",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
# gunicorn's default access-log line: ... "POST /api/token/refresh/ HTTP/1.1" 200 ...
ACCESS_LOG_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>[^ "?]+)[^ "]* HTTP/[0-9.]+" (?P<status>[0-9]{3}) ')


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chromium_executable() -> str | None:
    """Return Debian's chromium ($CHROMIUM if set), or None when this machine has none."""
    candidate = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    return candidate if candidate and os.access(candidate, os.X_OK) else None


@contextmanager
def chromium():
    """Start one headless Chromium with the host mapping; yield a fresh context (one browser's tabs)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_executable(), args=list(CHROMIUM_ARGS), headless=True
        )
        try:
            context = browser.new_context()
            context.set_default_timeout(15_000)  # a stuck page fails the test in seconds, not half a minute
            yield context
        finally:
            browser.close()


# --- The front end's server -------------------------------------------------------------


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:
        pass  # pytest shows what failed; a line per file served would bury it


@dataclass
class StaticSite:
    """Files served from `root` at http://app.example.test:<port>, by a server in a thread."""

    root: Path
    port: int = field(default_factory=free_port)
    server: ThreadingHTTPServer | None = None

    @property
    def origin(self) -> str:
        return f"http://{APP_HOST}:{self.port}"

    def start(self) -> "StaticSite":
        handler = functools.partial(QuietHandler, directory=str(self.root))
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


# --- The API's server -------------------------------------------------------------------


@dataclass(frozen=True)
class LoggedRequest:
    """One line of the API's access log."""

    method: str
    path: str
    status: int


@dataclass
class ApiServer:
    """The baked project under gunicorn at http://api.example.test:<port>, logging every request."""

    project: Path
    env: dict
    access_log: Path
    server_log: Path  # gunicorn's and Django's own messages (warnings, tracebacks)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def origin(self) -> str:
        return f"http://{API_HOST}:{self.port}"

    def start(self) -> "ApiServer":
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", "2", "--threads", "4", "--log-level", "warning"]
        command += ["--access-logfile", str(self.access_log)]
        with open(self.server_log, "ab") as server_log:
            self.process = subprocess.Popen(command, cwd=self.project, env=self.env, stderr=server_log)
        self.wait_until_serving()
        return self

    def wait_until_serving(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.server_log.read_text()}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/me/", timeout=2)
            except urllib.error.HTTPError:
                return  # an answer (401) means it is serving
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start serving in time")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def logged_requests(self) -> list[LoggedRequest]:
        """Return what the server has answered so far, oldest first."""
        if not self.access_log.exists():
            return []
        lines = self.access_log.read_text(errors="replace").splitlines()
        matches = (ACCESS_LOG_LINE.search(line) for line in lines)
        return [LoggedRequest(m["method"], m["path"], int(m["status"])) for m in matches if m]

    def requests_since(self, mark: int, method: str, path: str) -> list[LoggedRequest]:
        """Return the `method path` requests answered after the first `mark` logged ones."""
        later = self.logged_requests()[mark:]
        return [logged for logged in later if logged.method == method and logged.path == path]

    def mark(self) -> int:
        """Return a mark for requests_since: how many requests the log holds now."""
        return len(self.logged_requests())


def api_environment(database: Path, app_origin: str, access_lifetime_seconds: int) -> dict:
    """Return the environment the baked project's local settings read, for the API on its own host."""
    env = {**os.environ}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_READ_DOT_ENV": "false",  # only what is set here, not the bake's .env
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{database}",
        "REDIS_URL": "",  # the database cache, shared by gunicorn's workers
        "DJANGO_ALLOWED_HOSTS": f"{API_HOST},127.0.0.1",
        "CORS_ALLOWED_ORIGINS": app_origin,
        "CSRF_TRUSTED_ORIGINS": app_origin,
        "JWT_ACCESS_TOKEN_LIFETIME_SECONDS": str(access_lifetime_seconds),
        # The tests count refreshes themselves; a per-IP limit shared by every test would only
        # turn a miscount into a 429.
        "JWT_LOGIN_THROTTLE_RATE": "10000/minute",
        "JWT_REFRESH_THROTTLE_RATE": "10000/minute",
    }
    return env


def prepare_database(project: Path, env: dict, usernames: list[str]) -> None:
    """Migrate the API's database and create these users (password PASSWORD), in one process."""
    code = (
        "from django.core.management import call_command; from django.contrib.auth import get_user_model; "
        "call_command('migrate', verbosity=0); "
        f"[get_user_model().objects.create_user(username=name, password={PASSWORD!r}) for name in {usernames!r}]"
    )
    run_or_raise("preparing the database", [sys.executable, "manage.py", "shell", "-c", code], cwd=project, env=env)


def run_or_raise(what: str, command: list[str], cwd: Path, env: dict | None = None) -> None:
    """Run a set-up command; raise with its output if it fails."""
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{result.stdout}{result.stderr}")


# --- The React app (npm, Vite) ------------------------------------------------------------


def node_version() -> tuple[int, ...]:
    """Return the version of the node on PATH, e.g. (20, 19, 2)."""
    output = subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=60).stdout
    return tuple(int(part) for part in output.strip().lstrip("v").split("."))


def lockfile_digest() -> str:
    return hashlib.sha256((REACT_APP / "package-lock.json").read_bytes()).hexdigest()


def install_react_app() -> None:
    """Run `npm ci` for the React app unless node_modules already holds this lockfile's packages.

    node_modules is kept between runs (git-ignored); a stamp of the lockfile it was installed
    from says whether it is current. A file lock keeps parallel test workers from installing at once.
    """
    stamp = REACT_APP / "node_modules" / ".installed-from-lockfile"
    with open(REACT_APP / ".npm-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if stamp.exists() and stamp.read_text() == lockfile_digest():
            return
        run_or_raise("npm ci", ["npm", "ci", "--no-audit", "--no-fund"], cwd=REACT_APP)
        stamp.write_text(lockfile_digest())


def build_react_app(client_entry: Path, out_dir: Path) -> None:
    """Build the React app with Vite against this client (its src/index.js) into out_dir.

    React's development build (NODE_ENV=development): its warnings, StrictMode's double
    renders and effects, and the check that getSnapshot returns a cached value run only there.
    """
    env = {**os.environ, "NODE_ENV": "development", "AUTH_CLIENT_ENTRY": str(client_entry), "APP_OUT_DIR": str(out_dir)}
    vite = str(REACT_APP / "node_modules" / ".bin" / "vite")
    run_or_raise("vite build", [vite, "build", "--logLevel", "warn"], cwd=REACT_APP, env=env)
