"""config.settings.production: passes `check --deploy`, and says which variable is missing."""

import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from {{ cookiecutter.project_slug }}.core.testing import PROJECT_DIR, free_port

RS256 = settings.SIMPLE_JWT["ALGORITHM"] == "RS256"
rs256_only = pytest.mark.skipif(not RS256, reason="only RS256 reads a key pair")


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
    if RS256:
        env["JWT_PRIVATE_KEY"] = settings.SIMPLE_JWT["SIGNING_KEY"]
        env["JWT_PUBLIC_KEY"] = settings.SIMPLE_JWT["VERIFYING_KEY"]
    else:
        env["JWT_SIGNING_KEY"] = secrets.token_urlsafe(50)
    return env


def manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    """Return what a failed start-up printed on stderr, line by line."""
    assert result.returncode != 0, result.stdout
    return result.stderr.strip().splitlines()


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

    assert error_lines(result) == [f"error: Set the {variable} environment variable (see .env.example)"]


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_the_server_entry_points_name_a_missing_variable_in_one_line(tmp_path, module):
    env = production_environment(tmp_path)
    del env["DJANGO_SECRET_KEY"]

    result = subprocess.run(
        [sys.executable, "-c", f"import {module}"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=60
    )

    assert error_lines(result) == ["error: Set the DJANGO_SECRET_KEY environment variable (see .env.example)"]


@pytest.mark.live_server_process
def test_gunicorn_stops_with_the_missing_variable_named_instead_of_booting_workers_forever(tmp_path):
    env = production_environment(tmp_path)
    del env["DJANGO_SECRET_KEY"]
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{free_port()}"]

    result = subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=60)

    assert "error: Set the DJANGO_SECRET_KEY environment variable (see .env.example)" in error_lines(result)
    assert "Traceback" not in result.stderr


def bad_key_message(variable: str, kind: str) -> str:
    return f"error: {variable} (or the file {variable}_FILE names) is not {kind} (see .env.example)"


@rs256_only
def test_a_private_key_file_that_holds_no_key_is_one_clear_error_line(tmp_path):
    env = production_environment(tmp_path)
    del env["JWT_PRIVATE_KEY"]
    env["JWT_PRIVATE_KEY_FILE"] = "/etc/hostname"

    result = manage(env, "check", "--deploy")

    assert error_lines(result) == [bad_key_message("JWT_PRIVATE_KEY", "an unencrypted PEM RSA private key")]


@rs256_only
def test_a_public_key_that_is_no_key_is_one_clear_error_line(tmp_path):
    env = production_environment(tmp_path) | {"JWT_PUBLIC_KEY": "-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n"}

    result = manage(env, "check", "--deploy")

    assert error_lines(result) == [bad_key_message("JWT_PUBLIC_KEY", "a PEM RSA public key")]


@rs256_only
def test_keys_of_two_different_pairs_are_one_clear_error_line(tmp_path):
    from {{ cookiecutter.project_slug }}.authentication.keys import generate_key_pair

    env = production_environment(tmp_path) | {"JWT_PUBLIC_KEY": generate_key_pair()[1]}

    result = manage(env, "check", "--deploy")

    assert error_lines(result) == [
        "error: JWT_PUBLIC_KEY is not the public key of JWT_PRIVATE_KEY: set both from one pair (see .env.example)"
    ]


@rs256_only
@pytest.mark.parametrize("reason", ["No such file or directory", "Is a directory"])
def test_a_key_file_that_cannot_be_read_is_one_clear_error_line(tmp_path, reason):
    key_file = tmp_path / "missing.pem" if reason.startswith("No such") else tmp_path
    env = production_environment(tmp_path)
    del env["JWT_PRIVATE_KEY"]
    env["JWT_PRIVATE_KEY_FILE"] = str(key_file)

    result = manage(env, "check")

    assert error_lines(result) == [f"error: JWT_PRIVATE_KEY_FILE: cannot read {key_file} ({reason}) (see .env.example)"]


@pytest.mark.skipif(RS256, reason="RS256 signs with its key pair, not a secret")
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
