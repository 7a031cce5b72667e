"""config.settings.production: passes `check --deploy`, and says which variable is missing."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from {{ cookiecutter.project_slug }}.core.testing import PROJECT_DIR


def production_environment(tmp_path) -> dict:
    """Return the environment a production deployment sets: secrets, hosts, database, keys."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "JWT_", "DATABASE_URL", "REDIS_URL"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_READ_DOT_ENV": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "api.example.com",
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite3'}"),
    }
    if settings.SIMPLE_JWT["ALGORITHM"] == "RS256":
        env["JWT_PRIVATE_KEY"] = settings.SIMPLE_JWT["SIGNING_KEY"]
        env["JWT_PUBLIC_KEY"] = settings.SIMPLE_JWT["VERIFYING_KEY"]
    else:
        env["JWT_SIGNING_KEY"] = secrets.token_urlsafe(50)
    return env


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    result = manage(production_environment(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_are_locked_down(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS >= 31536000, s.ALLOWED_HOSTS)"
    )
    result = manage(production_environment(tmp_path), "shell", "-c", code)

    assert result.stdout.strip().splitlines()[-1] == "False True True True True ['api.example.com']"


REQUIRED = ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"]
if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
    REQUIRED.append("DATABASE_URL")


@pytest.mark.parametrize("variable", REQUIRED)
def test_a_missing_variable_is_one_clear_error_line(tmp_path, variable):
    env = production_environment(tmp_path)
    del env[variable]

    result = manage(env, "check")

    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [f"error: Set the {variable} environment variable (see .env.example)"]


@pytest.mark.skipif(settings.SIMPLE_JWT["ALGORITHM"] != "HS256", reason="RS256 signs with its key pair, not a secret")
def test_tokens_outlive_a_new_secret_key_when_the_signing_key_is_set_apart(tmp_path):
    env = production_environment(tmp_path)
    backend = "from rest_framework_simplejwt.state import token_backend as backend; "
    token = manage(env, "shell", "-c", backend + "print(backend.encode({'user_id': 1}))").stdout.split()[-1]
    verify = backend + f"print(backend.decode({token!r}))"

    rotated = env | {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    still_valid = manage(rotated, "shell", "-c", verify)
    other_signing_key = manage(rotated | {"JWT_SIGNING_KEY": secrets.token_urlsafe(50)}, "shell", "-c", verify)

    assert "'user_id': 1" in still_valid.stdout, still_valid.stderr
    assert other_signing_key.returncode != 0
    assert "TokenBackendError" in other_signing_key.stderr
