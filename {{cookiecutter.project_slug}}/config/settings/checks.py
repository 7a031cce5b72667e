"""Checks of values read from the environment, run as the settings load.

Each raises ImproperlyConfigured naming the variable, which config/startup.py prints as one
line. The values they refuse would otherwise fail with a traceback, pass `check --deploy`
and fail only at the first request (a 500), or sign tokens with a key anyone can guess.
"""

import re

import environ
from django.core.exceptions import ImproperlyConfigured

# RFC 7518, section 3.2: an HS256 key must be at least as long as the hash output, 256 bits.
MIN_SECRET_LENGTH = 32
# The values .env.example ships with: public, so they must sign nothing.
PLACEHOLDERS = frozenset({"change-me", "change-me-too"})
# DRF's rate format, as the pre-generation hook accepts it: requests/period, the period by
# its first letter (s, m, h, d). DRF answers 500 to anything else, and 0 would lock everyone out.
# https://www.django-rest-framework.org/api-guide/throttling/#setting-the-throttling-policy
RATE_PATTERN = re.compile(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)")


class Env(environ.Env):
    """django-environ's Env, naming the variable when a value cannot be read as asked.

    env.int("X") raises a bare ValueError ("invalid literal for int()"), which says
    nothing of X.
    """

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except ValueError as error:
            kind = "a whole number" if cast is int else "a number" if cast is float else "a valid value"
            raise ImproperlyConfigured(f"{var} is {self.ENVIRON.get(var)!r}, not {kind}") from error


def check_secret(name: str, value: str) -> None:
    """Raise ImproperlyConfigured, naming the variable, unless the value can sign HS256 tokens."""
    if value in PLACEHOLDERS:
        raise ImproperlyConfigured(f"{name} is the placeholder from .env.example: set a long random secret")
    if len(value) < MIN_SECRET_LENGTH:
        raise ImproperlyConfigured(
            f"{name} is shorter than {MIN_SECRET_LENGTH} characters, too short to sign HS256 tokens (RFC 7518 3.2)"
        )


def check_range(name: str, value: int, low: int, high: int) -> int:
    """Return the value, or raise ImproperlyConfigured naming the variable when it is outside low..high."""
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name} is {value}: use {low} to {high}")
    return value


def check_rate(name: str, value: str) -> None:
    """Raise ImproperlyConfigured, naming the variable, unless the value is a throttle rate DRF can read."""
    if not RATE_PATTERN.fullmatch(value):
        raise ImproperlyConfigured(
            f"{name} is {value!r}, not a rate: use requests/period, e.g. 10/minute (second, minute, hour or day)"
        )


def check_choice(name: str, value: str, allowed: tuple[str, ...]) -> str:
    """Return the allowed choice the value names, in any case; else raise ImproperlyConfigured naming the variable."""
    for choice in allowed:
        if value.lower() == choice.lower():
            return choice
    raise ImproperlyConfigured(f"{name} is {value!r}: use {', '.join(allowed[:-1])} or {allowed[-1]}")
