"""Run the project under config.settings.production in a subprocess, as a deployment would.

Shared by tests/core/test_production_*.py: the environment a deployment sets, `manage.py`
and the server entry points run with it, and the one error line a bad value must give.
"""

import os
import secrets
import subprocess
import sys
{%- if cookiecutter.signing_algorithm == "RS256" %}

from django.conf import settings
{%- endif %}

from config.startup import APP_LOAD_ERROR

from tests.support import PROJECT_DIR


def production_environment(tmp_path) -> dict:
    """Return the environment a production deployment sets: secrets, hosts, database, keys."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "JWT_", "DATABASE_URL", "REDIS_URL"))
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_READ_DOT_ENV": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "api.example.com",
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}"),
        **signing_environment(),
    }
{%- if cookiecutter.signing_algorithm == "RS256" %}


def signing_environment() -> dict:
    """Return the key pair a deployment sets: the one the tests sign with."""
    return {
        "JWT_PRIVATE_KEY": settings.SIMPLE_JWT["SIGNING_KEY"],
        "JWT_PUBLIC_KEY": settings.SIMPLE_JWT["VERIFYING_KEY"],
    }
{%- else %}


def signing_environment() -> dict:
    """Return the signing secret a deployment sets: a fresh one, apart from DJANGO_SECRET_KEY."""
    return {"JWT_SIGNING_KEY": secrets.token_urlsafe(50)}
{%- endif %}


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    """Run manage.py with these arguments in this environment; return what it printed."""
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def import_entry_point(module: str, env: dict) -> subprocess.CompletedProcess:
    """Import the server entry point (config.wsgi or config.asgi) as gunicorn or uvicorn would."""
    return subprocess.run(
        [sys.executable, "-c", f"import {module}"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    """Return what a failed start-up printed on stderr, line by line."""
    assert result.returncode == APP_LOAD_ERROR, result.stdout + result.stderr
    return result.stderr.strip().splitlines()
