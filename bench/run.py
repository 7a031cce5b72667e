"""A baked project's token endpoints against stock simplejwt, served by gunicorn, driven by wrk.

The template's `make bench` runs it (bench/lab.py); by hand, from inside a baked and
installed project, with the template's root on PYTHONPATH:

    PYTHONPATH=<template> .venv/bin/python -m bench.run [--duration S] [--rounds N] [--pool N]
        [--only sqlite|postgresql] [--sql] [--json FILE]

For each database (a fresh SQLite file; a fresh database on the PostgreSQL server, when
one answers; there again with CONN_MAX_AGE=0 for GET /api/me/) it starts gunicorn
(2 sync workers, on 127.0.0.1) with
  - this project, its revocation check in Redis (REDIS_URL, when Redis answers),
  - this project, its revocation check in the database cache,
  - stock simplejwt views and authentication with the settings most tutorials use,
each on a copy of the same database, then measures each endpoint with wrk, the servers
in turn, each run repeated (--rounds) and the best kept. Only the auth code differs
between the servers: same database, connection settings, middleware, hasher (the
production one), signing key and gunicorn. It prints requests/s, p50/p99 latency, the
workers' CPU time and SQL statements per request, and the ratios; it exits 1 if any
measured request failed.

Environment: BENCH_POSTGRES_URL (default: DATABASE_URL when it is PostgreSQL, else
postgres://postgres@127.0.0.1:5432/postgres), BENCH_REDIS_URL (default
redis://127.0.0.1:6379/15), BENCH_DURATION (seconds a wrk run, default 5), BENCH_ROUNDS
(default 2), BENCH_POOL (refresh tokens a round, default 2500).
"""

import argparse
import contextlib
import dataclasses
import importlib
import importlib.util
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bench import BENCH_PASSWORD, project_dir, sign_in_usernames

PROJECT_DIR = project_dir()
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk" / "bench.lua"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
WRK_THREADS = 2
CONNECTIONS = 16
# Signing in hashes a password (PBKDF2, a large part of a second of CPU each): fewer
# connections, so that latency stays under wrk's timeout and measures the hash.
OBTAIN_CONNECTIONS = 4
GUNICORN_WORKERS = 2
# Each run is bounded in time (--duration) and in requests: far more than 5 s take here.
MAX_REQUESTS = 100_000
WARM_UP_SECONDS = 1
WARM_UP_POOL = 500


STARTED = time.monotonic()


def elapsed() -> float:
    return time.monotonic() - STARTED


def out(message: str) -> None:
    print(message, flush=True)


def say(message: str) -> None:
    """Print a line of progress, stamped with the seconds since the start."""
    print(f"[{elapsed():4.0f}s] {message}" if message.strip() else message, flush=True)


# --- Databases ----------------------------------------------------------------------


@dataclass
class PostgresServer:
    """A PostgreSQL server the benchmark may create (and drops) databases on."""

    host: str
    port: int
    user: str
    password: str

    @classmethod
    def from_url(cls, url: str) -> "PostgresServer":
        parts = urllib.parse.urlsplit(url)
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=urllib.parse.unquote(parts.username or ""),
            password=urllib.parse.unquote(parts.password or ""),
        )

    def url(self, name: str) -> str:
        user = urllib.parse.quote(self.user, safe="")
        password = urllib.parse.quote(self.password, safe="")
        credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
        return f"postgres://{credentials}{self.host}:{self.port}/{name}"

    def execute(self, statement: str) -> None:
        """Run one statement on the maintenance database, outside any transaction."""
        import psycopg

        with psycopg.connect(
            dbname="postgres",
            user=self.user or None,
            password=self.password or None,
            host=self.host,
            port=self.port,
            autocommit=True,
            connect_timeout=5,
        ) as connection:
            connection.execute(statement)


@dataclass
class Database:
    """A benchmark database: a SQLite file or a PostgreSQL database, dropped afterwards."""

    url: str
    label: str
    path: Path | None = None
    name: str | None = None
    server: PostgresServer | None = None

    @classmethod
    def create(cls, label: str, folder: Path, server: PostgresServer | None) -> "Database":
        if server is None:
            path = folder / f"bench-{uuid.uuid4().hex[:8]}.sqlite3"
            return cls(url=f"sqlite:///{path}", label=label, path=path)
        name = f"bench_{uuid.uuid4().hex[:12]}"
        server.execute(f'CREATE DATABASE "{name}"')
        return cls(url=server.url(name), label=label, name=name, server=server)

    def copy(self) -> "Database":
        """Return a new database with this one's contents (much faster than migrating)."""
        if self.server is None:
            path = self.path.with_name(f"bench-{uuid.uuid4().hex[:8]}.sqlite3")
            with sqlite3.connect(self.path) as source, sqlite3.connect(path) as target:
                source.backup(target)
            source.close()
            target.close()
            return Database(url=f"sqlite:///{path}", label=self.label, path=path)
        name = f"bench_{uuid.uuid4().hex[:12]}"
        self.server.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
        return Database(url=self.server.url(name), label=self.label, name=name, server=self.server)

    def drop(self) -> None:
        if self.server is not None:
            self.server.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        elif self.path is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)


def postgres_server_url() -> str:
    """Return the PostgreSQL server to use: BENCH_POSTGRES_URL, the project's DATABASE_URL, or the default."""
    if os.environ.get("BENCH_POSTGRES_URL"):
        return os.environ["BENCH_POSTGRES_URL"]
    candidates = [os.environ.get("DATABASE_URL", "")]
    env_file = PROJECT_DIR / ".env"
    if env_file.is_file():
        for line in env_file.read_text().splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "DATABASE_URL":
                candidates.append(value.strip().strip("'\""))
    return next((url for url in candidates if url.startswith(("postgres://", "postgresql://"))), DEFAULT_POSTGRES_URL)


def find_postgres(url: str) -> tuple[PostgresServer | None, str]:
    """Return the PostgreSQL server at `url` (installing psycopg if needed), or None and why not."""
    server = PostgresServer.from_url(url)
    if not is_listening(server.host, server.port):
        return None, f"no PostgreSQL server answers at {server.host}:{server.port} (set BENCH_POSTGRES_URL)"
    if importlib.util.find_spec("psycopg") is None:
        say("==> Installing psycopg[binary] into this virtualenv (PostgreSQL driver)")
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "psycopg[binary]>=3.2,<4"], check=True)
        importlib.invalidate_caches()
    try:
        server.execute("SELECT 1")
    except Exception as error:  # any failure means: skip PostgreSQL, saying why
        return None, f"PostgreSQL at {server.host}:{server.port} refused us: {error}"
    return server, ""


def find_redis() -> tuple[str | None, str]:
    url = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    try:
        import redis

        redis.Redis.from_url(url, socket_timeout=2).ping()
    except Exception as error:  # any failure means: no Redis
        return None, f"no Redis at {url} ({error}): the revocation check runs on the database cache only"
    return url, ""


def forget_redis_keys(url: str) -> None:
    """Delete what the servers left in Redis (the revocations of the probe sessions)."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=2)
    keys = [key for pattern in ("bench:*", "revocations:bench:*") for key in client.scan_iter(pattern)]
    if keys:
        client.delete(*keys)


def is_listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Servers and in-process steps ---------------------------------------------------


@dataclass
class Server:
    """gunicorn serving one variant on 127.0.0.1: 2 sync workers, as for every variant."""

    env: dict
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Server":
        command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", str(GUNICORN_WORKERS), "--worker-class", "sync", "--log-level", "warning"]
        self.process = subprocess.Popen(command, cwd=PROJECT_DIR, env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            with contextlib.suppress(OSError):
                if http(self.url, "GET", "/api/me-noauth/")[0] == 200:
                    return self
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start serving in 60 s")

    def cpu_seconds(self) -> float | None:
        """Return the CPU time the workers have used so far (from /proc; None elsewhere)."""
        if self.process is None or not Path("/proc/self/stat").exists():
            return None
        ticks = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # gone since the listing
            if int(fields[1]) == self.process.pid:  # ppid: a worker of this gunicorn
                ticks += int(fields[11]) + int(fields[12])  # utime + stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # gunicorn's graceful shutdown: requests in flight finish
        try:
            self.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def http(base_url: str, method: str, path: str, body=None, headers: dict | None = None) -> tuple[int, bytes]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base_url}{path}", data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def worker(env: dict, *args: str) -> dict:
    """Run one step of bench.worker under a variant's settings; return its JSON."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.worker", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench.worker {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- wrk ----------------------------------------------------------------------------


@dataclass
class Measurement:
    ok: int
    failed: int
    seconds: float
    p50_ms: float
    p99_ms: float
    socket_errors: int
    stopped: bool  # before the end of the run: out of tokens, or at the request limit
    first_error: str = ""
    cpu_seconds: float | None = None  # of the server's workers, during the run

    @property
    def rate(self) -> float:
        return (self.ok + self.failed) / self.seconds if self.seconds else 0.0

    @property
    def cpu_us(self) -> float | None:
        """Return the workers' CPU time per request: unlike req/s, barely moved by other load."""
        requests = self.ok + self.failed
        return self.cpu_seconds * 1e6 / requests if self.cpu_seconds is not None and requests else None


def run_wrk(url: str, spec: dict, connections: int, duration: int, folder: Path) -> Measurement:
    """Drive one request kind with wrk for `duration` seconds (or until its token pool runs out)."""
    spec_file = folder / f"wrk-{uuid.uuid4().hex[:8]}.spec"
    lines = [f"method\t{spec['method']}", f"path\t{spec['path']}"]
    lines += [f"header\t{name}\t{value}" for name, value in spec.get("headers", {}).items()]
    if spec.get("body") is not None:
        lines.append(f"body\t{spec['body']}")
    if spec.get("pool"):
        lines.append(f"pool\t{spec['pool']}")
    lines.append(f"limit\t{MAX_REQUESTS}")
    spec_file.write_text("\n".join(lines) + "\n")
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"]
    command += ["-s", str(WRK_SCRIPT), url, "--", str(spec_file), str(WRK_THREADS)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=duration + 120)
    spec_file.unlink()
    values, first_error = {}, ""
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            values = dict(item.split("=", 1) for item in line.split()[1:])
        elif line.startswith("BENCH_ERROR "):
            first_error = line.removeprefix("BENCH_ERROR ")
    if not values:
        raise RuntimeError(f"wrk gave no result:\n{result.stdout}{result.stderr}")
    number = {key: int(value) for key, value in values.items()}
    return Measurement(
        ok=number["ok"],
        failed=number["failed"],
        seconds=number["busy_us"] / 1e6,
        p50_ms=number["p50_us"] / 1e3,
        p99_ms=number["p99_us"] / 1e3,
        socket_errors=number["connect"] + number["read"] + number["write"] + number["timeout"],
        stopped=bool(number["stopped"]),
        first_error=first_error,
    )


# --- What is measured ---------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    key: str
    label: str
    settings: str
    cache: str  # "redis" or "database": where this project looks revocations up
    endpoints: tuple[str, ...]
    environment: tuple[tuple[str, str], ...] = ()  # more variables for its processes
    reference: str | None = "stock"  # the variant its POSTs are compared with; None: it is one


@dataclass(frozen=True)
class Setup:
    """One database configuration that every variant is measured on."""

    kind: str  # "sqlite" or "postgresql"
    label: str
    conn_max_age: int | None  # None: the project's default for the engine
    endpoints: tuple[str, ...]
    environment: tuple[tuple[str, str], ...] = ()  # more variables for every server of the setup


ENDPOINT_LABELS = {
    "me_noauth": "GET /api/me/",
    "me": "GET /api/me/",
    "verify": "POST /api/token/verify/",
    "refresh": "POST /api/token/refresh/",
    "obtain": "POST /api/token/ MD5",
    "obtain_pbkdf2": "POST /api/token/ PBKDF2",
}
ENDPOINT_ORDER = ("me_noauth", "me", "verify", "refresh", "obtain", "obtain_pbkdf2")
# Sign-in with each hasher (bench/settings.py, BENCH_HASHER): MD5 on every server but the PBKDF2 pair.
HASHERS = {"obtain": "md5", "obtain_pbkdf2": "pbkdf2"}


@dataclass
class Row:
    setup: Setup
    endpoint: str
    variant: Variant | None  # None: the unauthenticated baseline
    measurement: Measurement
    statements: int | None
    note: str = ""
    rounds: list[Measurement] = field(default_factory=list)  # every round's run, in order

    @property
    def server_label(self) -> str:
        return "no auth (baseline)" if self.variant is None else self.variant.label


# With JWT_REVOCATION_SYNC_SECONDS (when the project has it) a process re-checks
# revocations at most that often instead of on every request: measured as a variant.
SYNC_SECONDS = "1"
# With JWT_REVOCATION_PUBSUB (when the project has it, and Redis answers) each process keeps
# the revoked sessions in memory, kept current by Redis pub/sub: measured as a variant, with
# the time a logout takes to be refused by the server's processes.
PUBSUB_KEY = "ours-redis-pubsub"
PROPAGATION_SAMPLES = 100
PROPAGATION_GOAL_MS = 100
ME_GOAL = 0.95
# The bench's own sessions (the refresh-token pool, the access token GETs send, the logouts
# timed) are all the bench user's: created without the cap on open sessions per user, which
# would otherwise end all but the newest few. The servers keep the project's cap; the users
# that sign in during a run stay below it.
UNCAPPED = {"JWT_MAX_SESSIONS_PER_USER": "0"}
REFRESH_GOALS = {"sqlite": 1.5, "postgresql": 2.0}


def variants(
    redis_url: str | None, has_sync: bool, has_pubsub: bool = False, every_variant: bool = False
) -> list[Variant]:
    """Return the servers to measure: this project and stock simplejwt, plus the variants --all adds.

    `make bench` measures what the targets are judged by (the default revocation check,
    pub/sub, stock; sign-in with the fast hasher); --all adds the database cache, the
    1 s sync, and sign-in with PBKDF2.
    """
    every = ("me_noauth", "me", "verify", "refresh", "obtain")
    cache = "redis" if redis_url else "database"
    label = "ours, Redis cache" if redis_url else "ours, database cache"
    found = [Variant(f"ours-{cache}", label, "bench.settings", cache, every)]
    if has_pubsub and redis_url:
        pubsub = (("JWT_REVOCATION_PUBSUB", "true"),)
        found.append(Variant(PUBSUB_KEY, "ours, Redis, pub/sub", "bench.settings", "redis", ("me",), pubsub))
    if every_variant:
        found += optional_variants(redis_url, has_sync)
    found.append(Variant("stock", "stock simplejwt", "bench.stock_settings", cache, every[1:], reference=None))
    if every_variant:
        pbkdf2 = (("BENCH_HASHER", "pbkdf2"),)
        stock = Variant("stock-pbkdf2", "stock simplejwt", "bench.stock_settings", cache, ("obtain_pbkdf2",), pbkdf2)
        found.append(dataclasses.replace(stock, reference=None))
    return found


def optional_variants(redis_url: str | None, has_sync: bool) -> list[Variant]:
    """Return the variants of this project only --all measures."""
    cache = "redis" if redis_url else "database"
    found = []
    if redis_url:
        found.append(Variant("ours-db", "ours, database cache", "bench.settings", "database", ("me", "verify")))
    if has_sync:
        label = f"ours, {'Redis' if redis_url else 'db'}, {SYNC_SECONDS} s sync"
        sync = (("JWT_REVOCATION_SYNC_SECONDS", SYNC_SECONDS),)
        found.append(Variant(f"ours-{cache}-sync", label, "bench.settings", cache, ("me",), sync))
    pbkdf2 = (("BENCH_HASHER", "pbkdf2"),)
    ours = Variant("ours-pbkdf2", "ours", "bench.settings", cache, ("obtain_pbkdf2",), pbkdf2, "stock-pbkdf2")
    found.append(ours)
    return found


def connections_for(endpoint: str) -> int:
    return OBTAIN_CONNECTIONS if endpoint == "obtain_pbkdf2" else CONNECTIONS


def endpoint_spec(endpoint: str, tokens: dict, pool: Path | None, sign_in_users: Path | None = None) -> dict:
    """Return what wrk sends: a refresh spends a token of `pool`, a sign-in names a user of `sign_in_users`."""
    json_header = {"Content-Type": "application/json"}
    if endpoint == "me_noauth":
        return {"method": "GET", "path": "/api/me-noauth/"}
    if endpoint == "me":
        return {"method": "GET", "path": "/api/me/", "headers": {"Authorization": f"Bearer {tokens['access']}"}}
    if endpoint == "verify":
        body = json.dumps({"token": tokens["access"]})
        return {"method": "POST", "path": "/api/token/verify/", "headers": json_header, "body": body}
    if endpoint in HASHERS:
        body = json.dumps({"username": "@TOKEN@", "password": BENCH_PASSWORD})
        return {"method": "POST", "path": "/api/token/", "headers": json_header, "body": body, "pool": sign_in_users}
    carrier = tokens["carrier"]
    if carrier["mode"] == "cookie":
        # As a browser page sends it: the HttpOnly cookie, and the CSRF cookie echoed in a header.
        csrf = secrets.token_hex(16)  # 32 characters, the length of Django's CSRF secret
        headers = {
            **json_header,
            "Cookie": f"{carrier['cookie']}=@TOKEN@; {carrier['csrf_cookie']}={csrf}",
            "X-CSRFToken": csrf,
        }
        return {"method": "POST", "path": "/api/token/refresh/", "headers": headers, "body": "{}", "pool": pool}
    body = '{"refresh": "@TOKEN@"}'
    return {"method": "POST", "path": "/api/token/refresh/", "headers": json_header, "body": body, "pool": pool}


@dataclass
class Running:
    """One variant's server on one setup: its database, counts, tokens and pools."""

    variant: Variant
    database: Database
    server: Server
    counts: dict
    tokens: dict
    pools: list[Path]


class Bench:
    """The measurements, kept as they are made (so that a run stopped early still reports them)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.duration = args.duration
        self.rounds = args.rounds
        self.pool_size = args.pool
        self.show_sql = args.sql
        self.every_variant = args.all
        self.base_env: dict = {}
        self.folder = Path(tempfile.gettempdir())
        self.sign_in_users: Path | None = None  # usernames, one a line: the pool sign-ins take turns in
        self.cleanup = contextlib.ExitStack()
        self.rows: list[Row] = []
        self.failures: list[str] = []
        self.has_sync = False  # whether the project has JWT_REVOCATION_SYNC_SECONDS
        self.has_pubsub = False  # whether the project has JWT_REVOCATION_PUBSUB
        self.propagation: dict[Setup, list[float]] = {}  # ms until a logout is refused, sorted
        self.facts: dict[Setup, dict] = {}  # what each setup's servers ran with

    def env(self, variant: Variant, database: Database, setup: Setup, redis_url: str | None) -> dict:
        env = {
            **self.base_env,
            "DJANGO_SETTINGS_MODULE": variant.settings,
            "DATABASE_URL": database.url,
            "REDIS_URL": redis_url if variant.cache == "redis" and redis_url else "",
            **dict(variant.environment),
        }
        if setup.conn_max_age is not None:
            env["BENCH_CONN_MAX_AGE"] = str(setup.conn_max_age)
        return env | dict(setup.environment)

    def measure_setup(self, setup: Setup, template: Database, redis_url: str | None) -> None:
        """Start every variant's server, then measure endpoint by endpoint, the variants in turn.

        Runs of one endpoint follow each other closely and are repeated (--rounds), the
        best kept, so that load from elsewhere on the machine skews the ratios less.
        """
        running = []
        for variant in variants(redis_url, self.has_sync, self.has_pubsub, self.every_variant):
            endpoints = [e for e in ENDPOINT_ORDER if e in variant.endpoints and e in setup.endpoints]
            if endpoints:
                running.append(self.start_variant(setup, variant, endpoints, template, redis_url))
        for endpoint in ENDPOINT_ORDER:
            taking_part = [r for r in running if endpoint in r.variant.endpoints and endpoint in setup.endpoints]
            if endpoint == "me_noauth":
                taking_part = taking_part[:1]  # no authentication: the same on every server
            best: dict[str, Measurement] = {}
            every: dict[str, list[Measurement]] = {}
            for round_number in range(self.rounds):
                for run in taking_part:
                    measurement = self.measure(setup, run, endpoint, round_number)
                    key = run.variant.key
                    every.setdefault(key, []).append(measurement)
                    if key not in best or measurement.rate > best[key].rate:
                        best[key] = measurement
            for run in taking_part:
                variant = None if endpoint == "me_noauth" else run.variant
                measurement = best[run.variant.key]
                counts, notes = run.counts["obtain" if endpoint in HASHERS else endpoint], self.notes(measurement)
                self.rows.append(Row(setup, endpoint, variant, measurement, counts, notes, every[run.variant.key]))
        for run in running:
            if run.variant.key == PUBSUB_KEY:
                self.measure_propagation(setup, run)
            run.server.stop()
            run.database.drop()

    def measure_propagation(self, setup: Setup, run: Running) -> None:
        """Time logouts made in another process until every one of the server's workers refuses them."""
        env = self.env(run.variant, run.database, setup, run.server.env["REDIS_URL"])
        delays = worker(env | UNCAPPED, "propagation", run.server.url, str(PROPAGATION_SAMPLES))["delays_ms"]
        self.propagation[setup] = delays
        say(f"    {setup.label:<26} logout refused by {run.variant.label}: {propagation_text(delays)}")

    def start_variant(
        self, setup: Setup, variant: Variant, endpoints: list[str], template: Database, redis_url: str | None
    ) -> Running:
        say(f"--> {setup.label}: starting {variant.label}")
        database = template.copy()
        self.cleanup.callback(database.drop)
        env = self.env(variant, database, setup, redis_url)
        result = worker(env, "queries")
        facts = result["facts"]
        if variant.key == PUBSUB_KEY and not facts["revocation_pubsub"]:
            raise RuntimeError(f"{variant.label}: the server's settings turned JWT_REVOCATION_PUBSUB off")
        self.facts.setdefault(setup, facts)
        say(
            f"    {facts['engine']}, CONN_MAX_AGE={facts['conn_max_age']}"
            f"{' with health checks' if facts['health_checks'] else ''}; cache {facts['cache']}"
            + (f"; JWT_REVOCATION_SYNC_SECONDS={facts['revocation_sync_seconds']}" if variant.reference else "")
        )
        if self.show_sql:
            for endpoint in ("me", "refresh", "obtain"):
                say(f"    SQL of {ENDPOINT_LABELS[endpoint]}:")
                for statement in result["statements"][endpoint]:
                    say(f"      {statement[:150]}")
        # A pool of refresh tokens for the warm-up, then one for each round.
        sizes = [WARM_UP_POOL] + [self.pool_size] * self.rounds if "refresh" in endpoints else [1]
        say(f"    creating {sum(sizes)} sessions in the database (a refresh token each, none sent twice)")
        pool = self.folder / f"pool-{uuid.uuid4().hex[:8]}.txt"
        tokens = worker(env | UNCAPPED, "tokens", str(sum(sizes)), str(pool))
        pools = self.split_pool(pool, sizes)
        server = Server(env)
        self.cleanup.callback(server.stop)
        started = time.monotonic()
        server.start()
        say(f"    gunicorn up on {server.url} in {time.monotonic() - started:.1f} s")
        self.check(server, variant, tokens)
        # The first requests of a worker import and connect lazily (the Redis client alone
        # takes a good part of a second): a short unmeasured run of each endpoint first.
        say(f"    warming up: {WARM_UP_SECONDS} s of each endpoint")
        for endpoint in endpoints:
            connections = connections_for(endpoint)
            spec = endpoint_spec(endpoint, tokens, pools[0] if endpoint == "refresh" else None, self.sign_in_users)
            run_wrk(server.url, spec, connections, WARM_UP_SECONDS, self.folder)
        return Running(variant, database, server, result["counts"], tokens, pools[1:])

    def split_pool(self, pool: Path, sizes: list[int]) -> list[Path]:
        """Split the pool into files of these sizes (warm-up, rounds), so that no run sends a spent token."""
        tokens = pool.read_text().split()
        pool.unlink()
        files, start = [], 0
        for part, size in enumerate(sizes):
            path = pool.with_name(f"{pool.stem}-{part}.txt")
            path.write_text("\n".join(tokens[start : start + size]) + "\n")
            files.append(path)
            start += size
        return files

    def measure(self, setup: Setup, run: Running, endpoint: str, round_number: int) -> Measurement:
        connections = connections_for(endpoint)
        server_label = "no auth (baseline)" if endpoint == "me_noauth" else run.variant.label
        pool = run.pools[round_number] if endpoint == "refresh" else None
        spec = endpoint_spec(endpoint, run.tokens, pool, self.sign_in_users)
        cpu_before = run.server.cpu_seconds()
        measurement = run_wrk(run.server.url, spec, connections, self.duration, self.folder)
        cpu_after = run.server.cpu_seconds()
        if cpu_before is not None and cpu_after is not None:
            measurement.cpu_seconds = cpu_after - cpu_before
        if measurement.failed:
            what = f"{setup.label}, {server_label}, {ENDPOINT_LABELS[endpoint]}, round {round_number + 1}"
            self.failures.append(f"{what}: {measurement.failed} non-2xx (first: {measurement.first_error})")
        notes = self.notes(measurement)
        say(
            f"    {setup.label:<26} {ENDPOINT_LABELS[endpoint]:<24} {server_label:<22} round {round_number + 1}: "
            f"{measurement.rate:6.0f} req/s, p50 {measurement.p50_ms:6.1f} ms, p99 {measurement.p99_ms:6.1f} ms, "
            f"CPU {measurement.cpu_us or 0:5.0f} us/req"
            f"{', non-2xx ' + str(measurement.failed) if measurement.failed else ''}{'; ' + notes if notes else ''}"
        )
        return measurement

    def check(self, server: Server, variant: Variant, tokens: dict) -> None:
        """Refuse to measure a server that does not authenticate, or does not honour revocation."""
        status, body = http(server.url, "GET", "/api/me/", headers={"Authorization": f"Bearer {tokens['access']}"})
        if status != 200:
            raise RuntimeError(f"{variant.label}: GET /api/me/ with a valid token gave {status}: {body[:300]!r}")
        if tokens.get("revoked_access"):
            headers = {"Authorization": f"Bearer {tokens['revoked_access']}"}
            status, body = http(server.url, "GET", "/api/me/", headers=headers)
            if status != 401:
                raise RuntimeError(f"{variant.label}: a logged-out session's access token gave {status}, not 401")
            say("    checked: a valid access token is served (200), a logged-out session's is refused (401)")

    @staticmethod
    def notes(measurement: Measurement) -> str:
        notes = []
        if measurement.failed:
            notes.append(f"FAILED: first answer {measurement.first_error[:120]}")
        if measurement.socket_errors:
            notes.append(f"{measurement.socket_errors} socket errors/timeouts")
        if measurement.stopped:
            notes.append(f"stopped after {measurement.seconds:.1f} s: out of tokens or at the request limit")
        return "; ".join(notes)


# --- Report -------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def load_average() -> str:
    return f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "unknown"


def find_row(rows: list[Row], setup: Setup, endpoint: str, key: str | None) -> Row | None:
    for row in rows:
        row_key = row.variant.key if row.variant else None
        if row.setup == setup and row.endpoint == endpoint and row_key == key:
            return row
    return None


def reference(row: Row, rows: list[Row]) -> Row | None:
    """Return what a row is compared with: the unauthenticated GET for GETs, else stock's run."""
    if row.variant is None:
        return None
    if row.endpoint == "me":
        return find_row(rows, row.setup, "me_noauth", None)
    if row.variant.reference is None:
        return None
    return find_row(rows, row.setup, row.endpoint, row.variant.reference)


def ratios(row: Row, rows: list[Row]) -> tuple[float, float | None] | None:
    """Return (ratio of req/s, ratio implied by worker CPU per request) to the reference, if any."""
    other = reference(row, rows)
    if other is None or not other.measurement.rate:
        return None
    by_rate = row.measurement.rate / other.measurement.rate
    mine, theirs = row.measurement.cpu_us, other.measurement.cpu_us
    return by_rate, (theirs / mine if mine and theirs else None)


def round_ratios(row: Row, rows: list[Row]) -> list[float]:
    """Return the ratio of req/s to the reference round by round: runs of one round ran back to back."""
    other = reference(row, rows)
    if other is None:
        return []
    return [mine.rate / theirs.rate for mine, theirs in zip(row.rounds, other.rounds, strict=False) if theirs.rate]


def spread_text(values: list[float]) -> str:
    if len(values) < 2:
        return ""
    return f"median {statistics.median(values):.2f} [min {min(values):.2f}, max {max(values):.2f}]"


def ratio_text(row: Row, rows: list[Row]) -> str:
    found = ratios(row, rows)
    if found is None:
        return "reference" if row.variant is not None and row.variant.reference is None else ""
    by_rate, by_cpu = found
    what = " of no-auth" if row.endpoint == "me" else "x stock"
    spread = spread_text(round_ratios(row, rows))
    return (
        f"{by_rate:.2f}{what}"
        + (f" (CPU {by_cpu:.2f})" if by_cpu is not None else "")
        + (f"; by round: {spread}" if spread else "")
    )


def group(row: Row) -> int:
    """Return the row's place in the table: the baseline GET goes with the other GETs."""
    return ENDPOINT_ORDER.index("me" if row.endpoint == "me_noauth" else row.endpoint)


def percentile(sorted_values: list[float], fraction: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def propagation_text(delays: list[float]) -> str:
    return (
        f"p50 {percentile(delays, 0.5):.1f} ms, p99 {percentile(delays, 0.99):.1f} ms, "
        f"max {delays[-1]:.1f} ms ({len(delays)} logouts)"
    )


def table(rows: list[Row]) -> str:
    header = (
        f"{'database':<26} {'endpoint':<24} {'server':<22} {'req/s':>6} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'CPU us/req':>10} {'SQL/req':>7} {'non-2xx':>7}  ratio (by req/s, by CPU)"
    )
    lines = [header, "-" * len(header)]
    setups = list(dict.fromkeys(row.setup for row in rows))
    # By database, then endpoint; each endpoint's servers in the order they ran.
    ordered = sorted(rows, key=lambda row: (setups.index(row.setup), group(row)))
    previous = None
    for row in ordered:
        if previous is not None and (row.setup, group(row)) != previous:
            lines.append("")
        previous = (row.setup, group(row))
        m = row.measurement
        cpu = f"{m.cpu_us:.0f}" if m.cpu_us is not None else "-"
        statements = row.statements if row.statements is not None else "-"
        lines.append(
            f"{row.setup.label:<26} {ENDPOINT_LABELS[row.endpoint]:<24} {row.server_label:<22} {m.rate:>6.0f} "
            f"{m.p50_ms:>7.1f} {m.p99_ms:>7.1f} {cpu:>10} {statements:>7} {m.failed:>7}  "
            f"{ratio_text(row, rows)}{'  (' + row.note + ')' if row.note else ''}"
        )
    return "\n".join(lines)


def targets(rows: list[Row]) -> list[str]:
    """Return the targets of the issue, each met or missed (judged by req/s: the median of the rounds' ratios)."""
    lines = []
    for row in rows:
        if row.variant is None or row.variant.reference is None or row.endpoint == "verify":
            continue
        found = ratios(row, rows)
        if found is None:
            continue
        by_rate, by_cpu = found
        per_round = round_ratios(row, rows)
        if len(per_round) > 1:
            by_rate = statistics.median(per_round)
        if row.endpoint == "me":
            goal, what = ME_GOAL, "JWT GET / no-auth GET"
        elif row.endpoint == "refresh":
            goal, what = REFRESH_GOALS[row.setup.kind], "refresh / stock refresh"
        else:
            goal, what = 1.0, f"sign-in / stock, {HASHERS[row.endpoint].upper()}"
        verdict = "met" if by_rate >= goal else "MISSED"
        cpu = f" (by CPU: {by_cpu:.2f})" if by_cpu is not None else ""
        lines.append(
            f"  {row.setup.label:<26} {row.server_label:<22} {what:<24} {by_rate:5.2f} >= {goal:.2f}  {verdict}{cpu}"
            + (f"  (rounds: {spread_text(per_round)})" if len(per_round) > 1 else "")
        )
    return lines


# --- Main ---------------------------------------------------------------------------


def interrupted(signum, frame) -> None:
    """Stop on SIGTERM as on Ctrl-C: servers stopped, databases dropped."""
    raise KeyboardInterrupt


def signing_environment() -> dict:
    """Return the signing keys every process must share (throwaway RS256 keys are per process otherwise)."""
    from django.conf import settings

    simple_jwt = settings.SIMPLE_JWT
    if str(simple_jwt.get("ALGORITHM", "HS256")).startswith("HS"):
        return {"JWT_SIGNING_KEY": simple_jwt["SIGNING_KEY"]}
    return {"JWT_PRIVATE_KEY": simple_jwt["SIGNING_KEY"], "JWT_PUBLIC_KEY": simple_jwt["VERIFYING_KEY"]}


def project_has_revocation_sync() -> bool:
    from django.conf import settings

    return hasattr(settings, "JWT_REVOCATION_SYNC_SECONDS")


def project_has_revocation_pubsub() -> bool:
    from django.conf import settings

    return hasattr(settings, "JWT_REVOCATION_PUBSUB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", "5")))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", "2")))
    parser.add_argument("--pool", type=int, default=int(os.environ.get("BENCH_POOL", "2500")), help="tokens a round")
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--sql", action="store_true", help="print the SQL of GET /api/me/, a refresh and a sign-in")
    parser.add_argument(
        "--all",
        action="store_true",
        help="also the database cache, the 1 s sync, sign-in with PBKDF2, PostgreSQL with CONN_MAX_AGE=0 and with"
        " psycopg's connection pool",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)

    if shutil.which("wrk") is None:
        say("wrk is not installed: `make bench` installs it (apt-get install wrk), or install it yourself.")
        return 2
    say(f"==> Benchmark of {PROJECT_DIR.name}, {date.today().isoformat()}: {machine()}")
    load_before = load_average()
    postgres_url = postgres_server_url()  # before DATABASE_URL is replaced below
    signal.signal(signal.SIGTERM, interrupted)
    bench = Bench(args)
    error = ""
    try:
        with contextlib.ExitStack() as cleanup:
            measure_everything(bench, args, cleanup, postgres_url)
    except KeyboardInterrupt:
        out("")
        say("==> Interrupted: servers stopped, databases dropped")
        return 130
    except RuntimeError as failure:
        error = str(failure)

    out("")
    out(f"==> Results ({date.today().isoformat()}; {machine()})")
    out(
        f"    gunicorn {GUNICORN_WORKERS} sync workers; wrk {WRK_THREADS} threads, {CONNECTIONS} connections "
        f"({OBTAIN_CONNECTIONS} for sign-in with PBKDF2), {args.duration} s a run, "
        f"{args.rounds} rounds (the best shown)"
    )
    out(f"    load average (1 min) before: {load_before}, after: {load_average()} (other work skews req/s)")
    out("    CPU us/req: CPU time of the gunicorn workers per request (/proc), steadier than req/s under load")
    out(
        "    sign-in (POST /api/token/) with the MD5 hasher on both sides, so the statements around the password "
        "check show" + ("; and with PBKDF2, Django's production hasher" if args.all else "")
    )
    out("    SQL/req: statements one request makes, counted in-process (django.test.utils.CaptureQueriesContext)")
    for setup, facts in bench.facts.items():
        health = " with health checks" if facts["health_checks"] else ""
        out(f"    {setup.label}: CONN_MAX_AGE={facts['conn_max_age']}{health}; cache backend {facts['cache']}")
    if bench.has_sync and args.all:
        out(
            f"    '{SYNC_SECONDS} s sync': JWT_REVOCATION_SYNC_SECONDS={SYNC_SECONDS} (a logout reaches the other "
            "processes within that time); ours' other rows: 0 (every request asks the cache)"
        )
    if bench.has_pubsub:
        out(
            "    'pub/sub': JWT_REVOCATION_PUBSUB=true (each process keeps revoked sessions in memory, kept current "
            "by Redis pub/sub; it asks the cache when the subscription is down or more than 0.1 s behind)"
        )
    for setup, delays in bench.propagation.items():
        out(f"    {setup.label}: a logout in another process refused by every worker after {propagation_text(delays)}")
    out("")
    out(table(bench.rows))
    goals = targets(bench.rows)
    for setup, delays in bench.propagation.items():
        verdict = "met" if percentile(delays, 0.99) <= PROPAGATION_GOAL_MS else "MISSED"
        goals.append(
            f"  {setup.label:<26} {'pub/sub logout reaches':<22} {'every worker, p99':<24} "
            f"{percentile(delays, 0.99):5.1f} <= {PROPAGATION_GOAL_MS} ms  {verdict}"
        )
    if goals:
        out("")
        out("Targets (by req/s; with several rounds, the median of the ratios round by round):")
        for line in goals:
            out(line)
    if bench.failures:
        out("")
        out("Failed requests (every measured request must succeed):")
        for failure in bench.failures:
            out(f"  {failure}")
    if error:
        out("")
        out(f"==> Stopped early: {error}")
    out("")
    out(f"==> Done in {elapsed():.0f} s")
    if args.json:
        args.json.write_text(json.dumps([row_json(row, bench.rows) for row in bench.rows], indent=2))
    return 1 if bench.failures or error else 0


def measure_everything(bench: "Bench", args: argparse.Namespace, cleanup: contextlib.ExitStack, postgres_url: str):
    """Create the template databases and measure every setup; `cleanup` undoes all of it."""
    folder = Path(tempfile.mkdtemp(prefix="bench-"))
    cleanup.callback(shutil.rmtree, folder, ignore_errors=True)
    # Every process reads the same settings: no .env, one signing key, one database each.
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_READ_DOT_ENV="false",
        DATABASE_URL=f"sqlite:///{folder / 'unused.sqlite3'}",
    )
    # Sign-in with the fast hasher unless a variant says otherwise (bench/settings.py).
    bench.base_env = {**os.environ, **signing_environment(), "BENCH_HASHER": "md5"}
    bench.has_sync = project_has_revocation_sync()
    if bench.has_sync:
        bench.base_env["JWT_REVOCATION_SYNC_SECONDS"] = "0"  # the project's default: every request asks
    bench.has_pubsub = project_has_revocation_pubsub()
    if bench.has_pubsub:
        bench.base_env["JWT_REVOCATION_PUBSUB"] = "false"
    bench.folder = folder
    bench.sign_in_users = folder / "sign-in-users.txt"
    bench.sign_in_users.write_text("\n".join(sign_in_usernames()) + "\n")
    bench.cleanup = cleanup

    redis_url, why_no_redis = find_redis()
    if why_no_redis:
        say(f"    {why_no_redis}")
    else:
        cleanup.callback(forget_redis_keys, redis_url)
    setups = []
    if args.only in (None, "sqlite"):
        setups.append(Setup("sqlite", "SQLite", None, ENDPOINT_ORDER))
    postgres = None
    if args.only in (None, "postgresql"):
        postgres, why_not = find_postgres(postgres_url)
        if postgres is None:
            say(f"    skipping PostgreSQL: {why_not}")
        else:
            setups.append(Setup("postgresql", "PostgreSQL", None, ENDPOINT_ORDER))
            if args.all:
                setups.append(Setup("postgresql", "PostgreSQL, CONN_MAX_AGE=0", 0, ("me_noauth", "me")))
                if importlib.util.find_spec("psycopg_pool") is None:
                    say("    skipping PostgreSQL with psycopg's pool: the project does not install psycopg[pool]")
                else:
                    pool = (("BENCH_DB_POOL", "true"),)
                    setups.append(
                        Setup("postgresql", "PostgreSQL, psycopg pool", 0, ("me_noauth", "me", "refresh"), pool)
                    )

    templates: dict[str, Database] = {}
    for setup in setups:
        if setup.kind not in templates:
            say(f"==> {setup.kind}: creating and migrating the template database")
            template = Database.create(setup.label, folder, postgres if setup.kind == "postgresql" else None)
            cleanup.callback(template.drop)
            env = {**bench.base_env, "DJANGO_SETTINGS_MODULE": "bench.stock_settings", "DATABASE_URL": template.url}
            worker({**env, "REDIS_URL": ""}, "migrate")  # stock's settings: every table, both apps
            templates[setup.kind] = template
        say(f"==> {setup.label}")
        bench.measure_setup(setup, templates[setup.kind], redis_url)


def row_json(row: Row, rows: list[Row]) -> dict:
    m = row.measurement
    return {
        "database": row.setup.label,
        "endpoint": ENDPOINT_LABELS[row.endpoint],
        "server": row.server_label,
        "requests_per_second": round(m.rate),
        "p50_ms": round(m.p50_ms, 1),
        "p99_ms": round(m.p99_ms, 1),
        "cpu_us_per_request": round(m.cpu_us) if m.cpu_us is not None else None,
        "sql_per_request": row.statements,
        "ok": m.ok,
        "non_2xx": m.failed,
        "ratio": ratio_text(row, rows),
        "note": row.note,
    }


if __name__ == "__main__":
    sys.exit(main())
