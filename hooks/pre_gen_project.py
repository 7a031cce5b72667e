"""Validate the answers before cookiecutter writes anything.

Every rule is a small function that returns an error line or None; `main()` prints the
first error and exits non-zero, which makes cookiecutter delete the half-made project.
The helpers are importable so the template's tests can check each rule directly.
"""

import json
import keyword
import re
import sys

# Rendered by cookiecutter; read once, through JSON, so quotes or backslashes in an
# answer can neither break nor inject into this script.
RAW_ANSWERS = r"""{{ cookiecutter | tojson }}"""

YES_NO = ("yes", "no")
STORAGE_MODES = ("httponly_cookie", "local_storage")
SIGNING_ALGORITHMS = ("HS256", "RS256")
DATABASES = ("sqlite", "postgresql")

# Fields of the generated user model that may be copied into tokens. Secrets
# (password) and non-JSON values (dates) are left out on purpose.
CLAIMABLE_USER_FIELDS = (
    "username",
    "email",
    "first_name",
    "last_name",
    "is_staff",
    "is_superuser",
)

# Names the generated package must not take: they would shadow a module the project
# imports (or its own `config` package) and break it in confusing ways.
RESERVED_PACKAGE_NAMES = frozenset(
    {
        "config",
        "django",
        "rest_framework",
        "rest_framework_simplejwt",
        "environ",
        "corsheaders",
        "whitenoise",
        "gunicorn",
        "psycopg",
        "redis",
        "jwt",
        "cryptography",
        "pytest",
        "pytest_django",
        "conftest",
        "manage",
        "tests",
        "test",
        "client",
        "site",
    }
)

INTEGER_RANGES = {
    "access_token_lifetime_minutes": (1, 1440),
    "refresh_token_lifetime_days": (1, 365),
    "rotation_grace_seconds": (0, 60),
    "max_session_days": (0, 3650),
    "max_sessions_per_user": (0, 1000),
    "leeway_seconds": (0, 300),
}

# cookiecutter.json offers most of these as menus, but a replay file (an edited .cookiecutter.json)
# skips the menus; blacklist_after_rotation and reuse_detection are typed (see README, Prompts).
CHOICES = {
    "refresh_token_storage": STORAGE_MODES,
    "signing_algorithm": SIGNING_ALGORITHMS,
    "database": DATABASES,
    "rotate_refresh_tokens": YES_NO,
    "token_blacklist": YES_NO,
    "blacklist_after_rotation": YES_NO,
    "reuse_detection": YES_NO,
    "revoke_access_on_logout": YES_NO,
    "include_demo": YES_NO,
    "native_app_endpoints": YES_NO,
    "setup_environment": YES_NO,
}

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# DRF's rate format: requests/period, the period by its first letter (s, m, h, d).
RATE_PATTERN = re.compile(r"^[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)$")
# Issuer and audience: a name or URL, no spaces or quotes (they go into settings and tokens).
CLAIM_VALUE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}$")


def stdlib_module_names():
    """Return the names of the standard library's top-level modules."""
    return frozenset(getattr(sys, "stdlib_module_names", ()))


def check_project_name(answers):
    """Refuse an empty project name or one that spans lines."""
    name = answers["project_name"]
    if not name.strip() or "\n" in name or "\r" in name:
        return f"project_name: {name!r} is not allowed; give a non-empty, one-line name."
    return None


def check_project_slug(answers):
    """Refuse a slug that is not a lower-case identifier or that shadows a module."""
    slug = answers["project_slug"]
    if not re.fullmatch(r"[a-z][a-z0-9_]*", slug) or keyword.iskeyword(slug):
        return (
            f"project_slug: {slug!r} is not allowed; use a lower-case Python identifier "
            "(a letter, then letters, digits or _)."
        )
    if slug in RESERVED_PACKAGE_NAMES or slug in stdlib_module_names():
        return (
            f"project_slug: {slug!r} is not allowed; it would shadow the module of the same name. Choose another name."
        )
    return None


def check_author_email(answers):
    """Refuse an author e-mail that is not of the form name@domain.tld."""
    email = answers["author_email"]
    if not EMAIL_PATTERN.match(email):
        return f"author_email: {email!r} is not allowed; give an address like you@example.com."
    return None


def check_one_line_answers(answers):
    """Refuse line breaks in free-text answers that end up in single-line files."""
    for key in ("description", "author_name"):
        if "\n" in answers[key] or "\r" in answers[key]:
            return f"{key}: {answers[key]!r} is not allowed; keep it on one line."
    return None


def check_integer(answers, key):
    """Refuse an answer that is not a whole number inside its range."""
    low, high = INTEGER_RANGES[key]
    value = answers[key]
    # No leading zeros: the answer is written into Python, where 07 is a syntax error.
    if not re.fullmatch(r"0|[1-9][0-9]*", value) or not low <= int(value) <= high:
        return f"{key}: {value!r} is not allowed; use a whole number from {low} to {high}."
    return None


def check_choice(answers, key):
    """Refuse an answer that is not one of the allowed values."""
    allowed = CHOICES[key]
    value = answers[key]
    if value not in allowed:
        return f"{key}: {value!r} is not allowed; use {' or '.join(allowed)}."
    return None


def check_rate(answers, key):
    """Refuse a throttle rate DRF could not read."""
    value = answers[key]
    if not RATE_PATTERN.match(value):
        return f"{key}: {value!r} is not allowed; use requests/period, e.g. 10/minute (second, minute, hour or day)."
    return None


def check_claim_value(answers, key):
    """Refuse an issuer or audience with spaces, quotes or other odd characters."""
    value = answers[key]
    if not CLAIM_VALUE_PATTERN.match(value):
        return (
            f"{key}: {value!r} is not allowed; use a name or URL of letters, digits and . _ : / @ - "
            "(at most 200 characters)."
        )
    return None


def check_refresh_outlives_access(answers):
    """Refuse a refresh lifetime that is not longer than the access lifetime."""
    access_minutes = int(answers["access_token_lifetime_minutes"])
    refresh_minutes = int(answers["refresh_token_lifetime_days"]) * 24 * 60
    if refresh_minutes <= access_minutes:
        return (
            f"refresh_token_lifetime_days: {answers['refresh_token_lifetime_days']!r} is not "
            f"allowed; the refresh token must outlive the access token "
            f"({access_minutes} minutes)."
        )
    return None


def check_needs_rotation_and_blacklist(answers, key):
    """Refuse a feature switched on without rotation and the blacklist it builds on."""
    if answers[key] != "yes":
        return None
    if answers["rotate_refresh_tokens"] == "yes" and answers["token_blacklist"] == "yes":
        return None
    return (
        f"{key}: 'yes' is not allowed unless rotate_refresh_tokens and token_blacklist "
        "are both 'yes'; answer 'no' or switch both on."
    )


def check_reuse_detection_needs_blacklist_after_rotation(answers):
    """Refuse reuse detection without the record of spent tokens it reads."""
    if answers["reuse_detection"] == "yes" and answers["blacklist_after_rotation"] != "yes":
        return (
            "reuse_detection: 'yes' is not allowed unless blacklist_after_rotation is 'yes'; "
            "a replay can only be seen if rotated tokens are recorded."
        )
    return None


def check_grace_needs_blacklist_after_rotation(answers):
    """Refuse a grace window when rotated tokens are not recorded (there is nothing to relax)."""
    if int(answers["rotation_grace_seconds"]) and answers["blacklist_after_rotation"] != "yes":
        return (
            f"rotation_grace_seconds: {answers['rotation_grace_seconds']!r} is not allowed "
            "unless blacklist_after_rotation is 'yes'; use 0."
        )
    return None


def check_session_limit(answers):
    """Refuse an absolute session limit shorter than one refresh-token lifetime."""
    max_days = int(answers["max_session_days"])
    refresh_days = int(answers["refresh_token_lifetime_days"])
    if max_days and max_days < refresh_days:
        return (
            f"max_session_days: {answers['max_session_days']!r} is not allowed; use 0 "
            f"(unlimited) or at least refresh_token_lifetime_days ({refresh_days})."
        )
    return None


def check_custom_claims(answers):
    """Refuse claims that are not claimable fields of the generated user model."""
    raw = answers["custom_claims"]
    names = [name.strip() for name in raw.split(",") if name.strip()]
    unknown = [name for name in names if name not in CLAIMABLE_USER_FIELDS]
    if unknown or len(set(names)) != len(names):
        return (
            f"custom_claims: {raw!r} is not allowed; use a comma-separated list of "
            f"distinct fields from: {', '.join(CLAIMABLE_USER_FIELDS)}."
        )
    return None


def validation_rules():
    """Return the rules in the order their answers are asked."""
    return [
        check_project_name,
        check_project_slug,
        check_one_line_answers,
        check_author_email,
        *[lambda a, k=key: check_integer(a, k) for key in INTEGER_RANGES],
        *[lambda a, k=key: check_choice(a, k) for key in CHOICES],
        lambda a: check_claim_value(a, "jwt_issuer"),
        lambda a: check_claim_value(a, "jwt_audience"),
        lambda a: check_rate(a, "login_throttle_rate"),
        lambda a: check_rate(a, "refresh_throttle_rate"),
        check_refresh_outlives_access,
        lambda a: check_needs_rotation_and_blacklist(a, "blacklist_after_rotation"),
        lambda a: check_needs_rotation_and_blacklist(a, "reuse_detection"),
        check_reuse_detection_needs_blacklist_after_rotation,
        check_grace_needs_blacklist_after_rotation,
        check_session_limit,
        check_custom_claims,
    ]


def first_error(answers):
    """Return the first validation error for these answers, or None if all are valid."""
    for rule in validation_rules():
        error = rule(answers)
        if error:
            return error
    return None


def main():
    answers = json.loads(RAW_ANSWERS)
    error = first_error(answers)
    if error:
        print(f"ERROR: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
