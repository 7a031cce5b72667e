"""config.settings.production: passes `check --deploy`; a missing or bad variable is one error line naming it.

What holds for one answer only is in test_production_rs256.py, test_production_hs256.py and
test_production_cookie.py, which the answers that do not need them leave out.
"""

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework.throttling import SimpleRateThrottle

from config.settings.checks import check_rate

from tests.support import PROJECT_DIR
from tests.support.production import error_lines, import_entry_point, manage, production_environment
from tests.support.servers import free_port


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


REQUIRED = [
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
{%- if cookiecutter.database == "postgresql" %}
    "DATABASE_URL",  # a PostgreSQL project has no database to fall back on
{%- endif %}
]


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


def test_swagger_ui_does_not_keep_the_access_token_in_local_storage_in_production(tmp_path):
    printed = "from django.conf import settings; print(settings.SPECTACULAR_SETTINGS['SWAGGER_UI_SETTINGS'])"

    result = manage(production_environment(tmp_path), "shell", "-v", "0", "-c", printed)

    assert "'persistAuthorization': False" in result.stdout, result.stderr


@pytest.mark.parametrize(
    ("redis_url", "expected"), [("redis://127.0.0.1:6379/0", "True"), ("", "False")], ids=["with-redis", "without"]
)
def test_revocations_come_by_pub_sub_by_default_exactly_where_redis_is_configured(tmp_path, redis_url, expected):
    printed = "from django.conf import settings; print(settings.JWT_REVOCATION_PUBSUB)"

    result = manage({**production_environment(tmp_path), "REDIS_URL": redis_url}, "shell", "-v", "0", "-c", printed)

    assert result.stdout.strip() == expected, result.stderr
