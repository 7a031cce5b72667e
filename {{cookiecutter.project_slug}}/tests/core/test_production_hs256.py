"""config.settings.production with HS256: a short, placeholder or missing signing secret is one error line."""

import re
import secrets

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings.checks import check_secret

from tests.support import PROJECT_DIR
from tests.support.production import error_lines, manage, production_environment


def env_example_value(variable: str) -> str:
    """Return the value .env.example ships for the variable: a placeholder, for secrets."""
    return re.search(rf"^{variable}=(.*)$", (PROJECT_DIR / ".env.example").read_text(), re.MULTILINE).group(1)


def short_key_message(variable: str) -> str:
    return (
        f"error: {variable} is shorter than 32 characters, too short to sign HS256 tokens (RFC 7518 3.2) "
        "(see .env.example)"
    )


@pytest.mark.parametrize("key", ["", "x"], ids=["empty", "one character"])
def test_a_signing_key_that_is_empty_or_guessable_is_one_clear_error_line(tmp_path, key):
    env = production_environment(tmp_path) | {"JWT_SIGNING_KEY": key}

    result = manage(env, "check", "--deploy")

    assert error_lines(result) == [short_key_message("JWT_SIGNING_KEY")]


@pytest.mark.parametrize("variable", ["JWT_SIGNING_KEY", "DJANGO_SECRET_KEY"])
def test_the_placeholder_from_env_example_cannot_sign_tokens(tmp_path, variable):
    env = production_environment(tmp_path)
    del env["JWT_SIGNING_KEY"]  # unset, DJANGO_SECRET_KEY signs the tokens
    env[variable] = env_example_value(variable)

    result = manage(env, "check")

    assert error_lines(result) == [
        f"error: {variable} is the placeholder from .env.example: set a long random secret (see .env.example)"
    ]


def test_without_a_signing_key_a_short_secret_key_is_named_as_the_signing_key(tmp_path):
    env = production_environment(tmp_path) | {"DJANGO_SECRET_KEY": "s" * 31}
    del env["JWT_SIGNING_KEY"]

    result = manage(env, "check")

    assert error_lines(result) == [short_key_message("DJANGO_SECRET_KEY")]


def test_without_a_signing_key_a_long_random_secret_key_signs_the_tokens(tmp_path):
    env = production_environment(tmp_path)
    del env["JWT_SIGNING_KEY"]
    code = "from django.conf import settings as s; print(s.SIMPLE_JWT['SIGNING_KEY'] == s.SECRET_KEY)"

    result = manage(env, "shell", "-c", code)

    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr


def test_an_hs256_key_must_be_at_least_256_bits():
    check_secret("JWT_SIGNING_KEY", "k" * 32)

    with pytest.raises(ImproperlyConfigured, match=r"^JWT_SIGNING_KEY is shorter than 32 characters"):
        check_secret("JWT_SIGNING_KEY", "k" * 31)


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
