"""The benchmark's in-process steps, run by run.py under the settings of the server they serve.

    python -m bench.worker migrate                  create the tables and the bench user
    python -m bench.worker tokens N FILE            write N refresh tokens (one per line) to FILE
    python -m bench.worker queries                  count the SQL statements of each endpoint
    python -m bench.worker propagation URL N        time N logouts until the server at URL refuses them

Each prints one line of JSON for the driver.
"""

import importlib
import json
import os
import sys
import time

import django

from bench import BENCH_PASSWORD, BENCH_USER_ID, BENCH_USERNAME, project_package, sign_in_usernames


def project_module(name: str):
    """Return a module of the baked project's package, e.g. authentication.sessions."""
    return importlib.import_module(f"{project_package()}.{name}")


def bench_user():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=BENCH_USERNAME)


def migrate() -> dict:
    """Create every table (stock's blacklist tables too), the cache table, the bench user and the sign-in users."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable")
    user_model = get_user_model()
    user = user_model.objects.create_user(username=BENCH_USERNAME, password=BENCH_PASSWORD)
    if user.pk != BENCH_USER_ID:
        raise RuntimeError(f"the bench user got id {user.pk}, not {BENCH_USER_ID}: is the database fresh?")
    password = make_password(BENCH_PASSWORD)  # hashed once for all of them
    user_model.objects.bulk_create(user_model(username=name, password=password) for name in sign_in_usernames())
    return {"user_id": user.pk}


def hash_passwords_for_this_server() -> None:
    """Store every user's password under this server's hasher, so no sign-in upgrades (rewrites) a hash."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    get_user_model().objects.update(password=make_password(BENCH_PASSWORD))


def is_stock() -> bool:
    from django.conf import settings

    return settings.BENCH_VARIANT == "stock"


def new_session(user) -> tuple[str, str]:
    """Sign `user` in as the server's login would, without the password hash; return (access, refresh)."""
    if is_stock():
        from rest_framework_simplejwt.tokens import RefreshToken

        refresh = RefreshToken.for_user(user)  # records the outstanding token, as login does
        return str(refresh.access_token), str(refresh)
    issued = project_module("authentication.sessions").start_session(user)
    return str(issued.access), str(issued.refresh)


def revoked_access_token(user) -> str | None:
    """Return the access token of a session that has been logged out, if that ends access tokens.

    None for stock simplejwt (its access tokens live until they expire), and for this
    project generated without revoke_access_on_logout.
    """
    if is_stock():
        return None
    if not project_module("authentication.policy").session_policy().revoke_access_on_logout:
        return None
    token_types = project_module("authentication.tokens")
    access, _ = new_session(user)
    family = token_types.AccessToken(access)[token_types.FAMILY_CLAIM]
    project_module("authentication.sessions").end_session(family, user.pk)
    return access


def refresh_carrier() -> dict:
    """Return how the server expects the refresh token: in the JSON body, or in a cookie."""
    from django.conf import settings

    if is_stock():
        return {"mode": "body"}
    if project_module("authentication.transport").refresh_transport.storage != "httponly_cookie":
        return {"mode": "body"}
    cookie_name = project_module("authentication.cookies").cookie_name
    return {"mode": "cookie", "cookie": cookie_name(), "csrf_cookie": settings.CSRF_COOKIE_NAME}


def tokens(count: str, path: str) -> dict:
    """Write `count` refresh tokens of as many sessions to `path`; return the other tokens a run needs."""
    from django.db import transaction

    hash_passwords_for_this_server()
    user = bench_user()
    started = time.monotonic()
    with transaction.atomic(), open(path, "w") as pool:
        for _ in range(int(count)):
            pool.write(new_session(user)[1] + "\n")
    access, refresh = new_session(user)
    return {
        "access": access,
        "refresh": refresh,
        "revoked_access": revoked_access_token(user),
        "carrier": refresh_carrier(),
        "seconds": round(time.monotonic() - started, 1),
    }


def queries() -> dict:
    """Return the SQL statements one request of each endpoint makes (after a warm-up request)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user = bench_user()
    carrier = refresh_carrier()
    client = Client(HTTP_HOST="127.0.0.1")
    access, _ = new_session(user)
    credentials = {"username": BENCH_USERNAME, "password": BENCH_PASSWORD}

    def refresh(token):
        if carrier["mode"] == "cookie":
            client.cookies[carrier["cookie"]] = token
            return client.post("/api/token/refresh/", {}, content_type="application/json")
        return client.post("/api/token/refresh/", {"refresh": token}, content_type="application/json")

    # Each endpoint: (what to prepare outside the count, the request counted).
    calls = {
        "me_noauth": (lambda: None, lambda _: client.get("/api/me-noauth/")),
        "me": (lambda: None, lambda _: client.get("/api/me/", HTTP_AUTHORIZATION=f"Bearer {access}")),
        "verify": (
            lambda: None,
            lambda _: client.post("/api/token/verify/", {"token": access}, content_type="application/json"),
        ),
        "refresh": (lambda: new_session(user)[1], refresh),
        "obtain": (lambda: None, lambda _: client.post("/api/token/", credentials, content_type="application/json")),
    }
    counts, statements = {}, {}
    for name, (prepare, call) in calls.items():
        call(prepare())  # warm-up: the first request of a process may do one-off work
        prepared = prepare()
        with CaptureQueriesContext(connection) as captured:
            response = call(prepared)
        if response.status_code != 200:
            raise RuntimeError(f"{name}: {response.status_code} {response.content[:300]!r}")
        counts[name] = len(captured.captured_queries)
        statements[name] = [query["sql"] for query in captured.captured_queries]
    return {"counts": counts, "statements": statements, "facts": facts()}


# A server process has caught up once this many requests in a row (spread over its
# workers by the kernel) refuse the logged-out token.
REFUSED_IN_A_ROW = 6
PROPAGATION_TIMEOUT = 5.0


def status_of(url: str, access: str) -> int:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(f"{url}/api/me/", headers={"Authorization": f"Bearer {access}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def seconds_until_refused(url: str, access: str, logged_out_at: float) -> float:
    """Poll the server until it refuses the token REFUSED_IN_A_ROW times in a row; return the wait for the first."""
    refused_since, in_a_row = None, 0
    while in_a_row < REFUSED_IN_A_ROW:
        now = time.monotonic()
        if now - logged_out_at > PROPAGATION_TIMEOUT:
            raise RuntimeError(f"a logged-out token was still served {PROPAGATION_TIMEOUT} s after the logout")
        # Timed when the answer arrives: an upper bound on when the server refused.
        if status_of(url, access) == 401:
            refused_since, in_a_row = refused_since or time.monotonic(), in_a_row + 1
        else:
            refused_since, in_a_row = None, 0
    return refused_since - logged_out_at


def propagation(url: str, count: str) -> dict:
    """Log sessions out in this process and time until the server's processes refuse their access tokens.

    Each session's token is first served (so the server has seen it open), then ended as
    logout ends it (sessions.end_session); the clock starts when that returns.
    """
    sessions = project_module("authentication.sessions")
    token_types = project_module("authentication.tokens")
    user = bench_user()
    delays = []
    for _ in range(int(count)):
        access, _ = new_session(user)
        if status_of(url, access) != 200:
            raise RuntimeError("the server refused a fresh session's access token")
        sessions.end_session(token_types.AccessToken(access)[token_types.FAMILY_CLAIM], user.pk)
        delays.append(seconds_until_refused(url, access, time.monotonic()))
    delays.sort()
    return {"samples": len(delays), "delays_ms": [round(delay * 1000, 2) for delay in delays]}


def facts() -> dict:
    """Return what the server is configured with, for the report."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    return {
        "engine": database["ENGINE"].rsplit(".", 1)[-1],
        "conn_max_age": database.get("CONN_MAX_AGE"),
        "health_checks": bool(database.get("CONN_HEALTH_CHECKS")),
        "cache": settings.CACHES["default"]["BACKEND"],
        "revocation_sync_seconds": getattr(settings, "JWT_REVOCATION_SYNC_SECONDS", None),
        "revocation_pubsub": getattr(settings, "JWT_REVOCATION_PUBSUB", None),
    }


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    commands = {"migrate": migrate, "tokens": tokens, "queries": queries, "propagation": propagation}
    command, *args = argv
    print(json.dumps(commands[command](*args)))


if __name__ == "__main__":
    main(sys.argv[1:])
