"""config.settings.production: passes `check --deploy`; a missing or bad variable is one error line naming it."""

import os
import re
import secrets
import shutil
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from rest_framework.throttling import SimpleRateThrottle

from config.settings.checks import check_choice, check_rate, check_secret
from config.startup import APP_LOAD_ERROR
from {{ cookiecutter.project_slug }}.authentication.transport import refresh_transport
from {{ cookiecutter.project_slug }}.core.testing import PROJECT_DIR, free_port

RS256 = settings.SIMPLE_JWT["ALGORITHM"] == "RS256"
rs256_only = pytest.mark.skipif(not RS256, reason="only RS256 reads a key pair")
hs256_only = pytest.mark.skipif(RS256, reason="only HS256 signs with a secret")
cookie_only = pytest.mark.skipif(
    refresh_transport.storage != "httponly_cookie", reason="only cookie mode sets a refresh-token cookie"
)


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


def import_entry_point(module: str, env: dict) -> subprocess.CompletedProcess:
    """Import the server entry point (config.wsgi or config.asgi) as gunicorn or uvicorn would."""
    return subprocess.run(
        [sys.executable, "-c", f"import {module}"], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def error_lines(result: subprocess.CompletedProcess) -> list[str]:
    """Return what a failed start-up printed on stderr, line by line."""
    assert result.returncode == APP_LOAD_ERROR, result.stdout + result.stderr
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

    result = import_entry_point(module, env)

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


def weak_key_message(variable: str, bits: int) -> str:
    return (
        f"error: {variable} (or the file {variable}_FILE names) is a {bits}-bit RSA key: use 2048 bits or more "
        "(`make keys` writes a new pair) (see .env.example)"
    )


def openssl_key_pair(bits: int) -> tuple[str, str]:
    """Return an RSA key pair of any size, even one the cryptography package no longer generates."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    private_pem = subprocess.run(
        [shutil.which("openssl"), "genrsa", str(bits)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    public_key = load_pem_private_key(private_pem.encode(), password=None).public_key()
    public_pem = public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private_pem, public_pem.decode()


@rs256_only
@pytest.mark.parametrize("bits", [512, 1024])
def test_an_rsa_key_pair_under_2048_bits_is_one_clear_error_line(tmp_path, bits):
    from {{ cookiecutter.project_slug }}.authentication.keys import generate_key_pair

    if bits < 1024 and not shutil.which("openssl"):
        pytest.skip("the cryptography package generates no key under 1024 bits, and openssl is missing")
    private_pem, public_pem = generate_key_pair(bits) if bits >= 1024 else openssl_key_pair(bits)
    env = production_environment(tmp_path) | {"JWT_PRIVATE_KEY": private_pem, "JWT_PUBLIC_KEY": public_pem}

    result = manage(env, "check", "--deploy")

    assert error_lines(result) == [weak_key_message("JWT_PRIVATE_KEY", bits)]


@rs256_only
def test_a_public_key_under_2048_bits_is_named_even_beside_a_strong_private_key(tmp_path):
    from {{ cookiecutter.project_slug }}.authentication.keys import generate_key_pair

    env = production_environment(tmp_path) | {"JWT_PUBLIC_KEY": generate_key_pair(1024)[1]}

    result = manage(env, "check", "--deploy")

    assert error_lines(result) == [weak_key_message("JWT_PUBLIC_KEY", 1024)]


def env_example_value(variable: str) -> str:
    """Return the value .env.example ships for the variable: a placeholder, for secrets."""
    return re.search(rf"^{variable}=(.*)$", (PROJECT_DIR / ".env.example").read_text(), re.MULTILINE).group(1)


def short_key_message(variable: str) -> str:
    return (
        f"error: {variable} is shorter than 32 characters, too short to sign HS256 tokens (RFC 7518 3.2) "
        "(see .env.example)"
    )


@hs256_only
@pytest.mark.parametrize("key", ["", "x"], ids=["empty", "one character"])
def test_a_signing_key_that_is_empty_or_guessable_is_one_clear_error_line(tmp_path, key):
    env = production_environment(tmp_path) | {"JWT_SIGNING_KEY": key}

    result = manage(env, "check", "--deploy")

    assert error_lines(result) == [short_key_message("JWT_SIGNING_KEY")]


@hs256_only
@pytest.mark.parametrize("variable", ["JWT_SIGNING_KEY", "DJANGO_SECRET_KEY"])
def test_the_placeholder_from_env_example_cannot_sign_tokens(tmp_path, variable):
    env = production_environment(tmp_path)
    del env["JWT_SIGNING_KEY"]  # unset, DJANGO_SECRET_KEY signs the tokens
    env[variable] = env_example_value(variable)

    result = manage(env, "check")

    assert error_lines(result) == [
        f"error: {variable} is the placeholder from .env.example: set a long random secret (see .env.example)"
    ]


@hs256_only
def test_without_a_signing_key_a_short_secret_key_is_named_as_the_signing_key(tmp_path):
    env = production_environment(tmp_path) | {"DJANGO_SECRET_KEY": "s" * 31}
    del env["JWT_SIGNING_KEY"]

    result = manage(env, "check")

    assert error_lines(result) == [short_key_message("DJANGO_SECRET_KEY")]


@hs256_only
def test_without_a_signing_key_a_long_random_secret_key_signs_the_tokens(tmp_path):
    env = production_environment(tmp_path)
    del env["JWT_SIGNING_KEY"]
    code = "from django.conf import settings as s; print(s.SIMPLE_JWT['SIGNING_KEY'] == s.SECRET_KEY)"

    result = manage(env, "shell", "-c", code)

    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr


@hs256_only
def test_an_hs256_key_must_be_at_least_256_bits():
    check_secret("JWT_SIGNING_KEY", "k" * 32)

    with pytest.raises(ImproperlyConfigured, match=r"^JWT_SIGNING_KEY is shorter than 32 characters"):
        check_secret("JWT_SIGNING_KEY", "k" * 31)


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


# --- Values that pass `check --deploy` but would make the first request a 500 -------
RATE_ADVICE = "use requests/period, e.g. 10/minute (second, minute, hour or day)"


@pytest.mark.parametrize(
    ("variable", "rate"),
    [
        ("JWT_LOGIN_THROTTLE_RATE", "abc"),
        ("JWT_LOGIN_THROTTLE_RATE", "10/fortnight"),
        ("JWT_REFRESH_THROTTLE_RATE", "10/fortnight"),
    ],
)
def test_a_throttle_rate_drf_cannot_read_is_one_clear_error_line(tmp_path, variable, rate):
    env = production_environment(tmp_path) | {variable: rate}

    result = manage(env, "check", "--deploy")

    assert error_lines(result) == [f"error: {variable} is {rate!r}, not a rate: {RATE_ADVICE} (see .env.example)"]


@pytest.mark.parametrize("rate", ["10/minute", "1/s", "5/sec", "60/m", "7/min", "3/h", "2/hour", "100000/day", "1/d"])
def test_every_rate_the_check_accepts_drf_can_read(rate):
    check_rate("JWT_LOGIN_THROTTLE_RATE", rate)

    assert SimpleRateThrottle.parse_rate(None, rate)[0] >= 1


@pytest.mark.parametrize(
    "rate", ["", "abc", "10", "10/", "/minute", "10/fortnight", "10/Minute", "10/minute/x", "1.5/minute", "0/minute"]
)
def test_the_rate_check_refuses_what_drf_cannot_read_and_rates_that_lock_everyone_out(rate):
    with pytest.raises(ImproperlyConfigured, match=r"^JWT_REFRESH_THROTTLE_RATE is "):
        check_rate("JWT_REFRESH_THROTTLE_RATE", rate)


@cookie_only
def test_a_samesite_value_the_cookie_cannot_take_is_one_clear_error_line(tmp_path):
    env = production_environment(tmp_path) | {"JWT_REFRESH_COOKIE_SAMESITE": "bogus"}

    result = manage(env, "check", "--deploy")

    assert error_lines(result) == [
        "error: JWT_REFRESH_COOKIE_SAMESITE is 'bogus': use Strict, Lax or None (see .env.example)"
    ]


@cookie_only
@pytest.mark.parametrize(("value", "choice"), [("Strict", "Strict"), ("lax", "Lax"), ("NONE", "None")])
def test_every_samesite_value_the_check_accepts_the_cookie_can_take(value, choice):
    assert check_choice("JWT_REFRESH_COOKIE_SAMESITE", value, ("Strict", "Lax", "None")) == choice

    HttpResponse().set_cookie("refresh_token", "token", samesite=choice)


@cookie_only
@pytest.mark.parametrize("value", ["", "bogus", "Strictly"])
def test_the_samesite_check_refuses_what_the_cookie_cannot_take_or_leaves_out(value):
    with pytest.raises(ImproperlyConfigured, match=r"^JWT_REFRESH_COOKIE_SAMESITE is "):
        check_choice("JWT_REFRESH_COOKIE_SAMESITE", value, ("Strict", "Lax", "None"))


# --- Numbers in the environment -----------------------------------------------------
@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("DJANGO_NUM_PROXIES", "x", "'x', not a whole number"),
        ("DJANGO_SECURE_HSTS_SECONDS", "abc", "'abc', not a whole number"),
        ("DATABASE_CONN_MAX_AGE", "", "'', not a whole number"),
        ("JWT_REVOCATION_SYNC_SECONDS", "abc", "'abc', not a number"),
        # Overrides outside what the prompts allow.
        ("JWT_ROTATION_GRACE_SECONDS", "86400", "86400: use 0 to 60"),
        ("JWT_ROTATION_GRACE_SECONDS", "-5", "-5: use 0 to 60"),
        ("JWT_ACCESS_TOKEN_LIFETIME_SECONDS", "0", "0: use 1 to 86400"),
    ],
)
def test_a_bad_number_in_the_environment_is_one_clear_error_line(tmp_path, variable, value, problem):
    env = production_environment(tmp_path) | {variable: value}

    result = manage(env, "check")

    assert error_lines(result) == [f"error: {variable} is {problem} (see .env.example)"]


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_the_server_entry_points_name_a_variable_that_is_not_a_number(tmp_path, module):
    env = production_environment(tmp_path) | {"JWT_ACCESS_TOKEN_LIFETIME_SECONDS": "x"}

    result = import_entry_point(module, env)

    assert error_lines(result) == [
        "error: JWT_ACCESS_TOKEN_LIFETIME_SECONDS is 'x', not a whole number (see .env.example)"
    ]


def test_a_value_error_that_no_variable_caused_keeps_its_traceback(tmp_path):
    result = manage(production_environment(tmp_path), "shell", "-c", "int('x')")

    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "error:" not in result.stderr


# --- Logging ------------------------------------------------------------------------
LOG_A_WARNING_AND_A_FAILED_REQUEST = """
import logging
log = logging.getLogger("django.request")
log.warning("a slow request")
try:
    1 / 0
except ZeroDivisionError:
    log.exception("Internal Server Error: /api/token/")
"""


def test_request_errors_reach_stderr_with_their_traceback(tmp_path):
    result = manage(production_environment(tmp_path), "shell", "-c", LOG_A_WARNING_AND_A_FAILED_REQUEST)

    assert result.returncode == 0, result.stderr
    assert "ERROR django.request: Internal Server Error: /api/token/" in result.stderr
    assert "Traceback (most recent call last)" in result.stderr
    assert "ZeroDivisionError: division by zero" in result.stderr
    assert "WARNING django.request: a slow request" in result.stderr


def test_django_log_level_sets_what_reaches_stderr(tmp_path):
    env = production_environment(tmp_path) | {"DJANGO_LOG_LEVEL": "error"}

    result = manage(env, "shell", "-c", LOG_A_WARNING_AND_A_FAILED_REQUEST)

    assert "ERROR django.request: Internal Server Error: /api/token/" in result.stderr
    assert "a slow request" not in result.stderr


def test_an_unknown_log_level_is_one_clear_error_line(tmp_path):
    env = production_environment(tmp_path) | {"DJANGO_LOG_LEVEL": "verbose"}

    result = manage(env, "check")

    assert error_lines(result) == [
        "error: DJANGO_LOG_LEVEL is 'verbose': use DEBUG, INFO, WARNING, ERROR or CRITICAL (see .env.example)"
    ]


@cookie_only
@pytest.mark.parametrize(
    ("variables", "trusted"),
    [
        ({"CORS_ALLOWED_ORIGINS": "https://app.example.com"}, ["https://app.example.com"]),
        (
            {"CORS_ALLOWED_ORIGINS": "https://app.example.com", "CSRF_TRUSTED_ORIGINS": "https://admin.example.com"},
            ["https://admin.example.com"],
        ),
    ],
    ids=["from-cors", "set-apart"],
)
def test_csrf_trusted_origins_follow_the_front_ends_unless_set_apart(tmp_path, variables, trusted):
    env = production_environment(tmp_path) | variables
    printed = "from django.conf import settings; print(settings.CSRF_TRUSTED_ORIGINS)"

    result = manage(env, "shell", "-v", "0", "-c", printed)

    assert result.stdout.strip() == str(trusted), result.stderr


def test_swagger_ui_does_not_keep_the_access_token_in_local_storage_in_production(tmp_path):
    printed = "from django.conf import settings; print(settings.SPECTACULAR_SETTINGS['SWAGGER_UI_SETTINGS'])"

    result = manage(production_environment(tmp_path), "shell", "-v", "0", "-c", printed)

    assert "'persistAuthorization': False" in result.stdout, result.stderr
