"""Every validation rule of hooks/pre_gen_project.py: one clear line, nothing written."""

import subprocess
import sys

import pytest

from .conftest import TEMPLATE, default_answers
from .hooks import pre_gen

# (answers to change, text the one-line error must contain)
BAD_ANSWERS = {
    "empty-project-name": ({"project_name": "   "}, "project_name: '   ' is not allowed"),
    "slug-not-identifier": ({"project_slug": "my-api"}, "project_slug: 'my-api' is not allowed"),
    "slug-upper-case": ({"project_slug": "MyApi"}, "lower-case Python identifier"),
    "slug-keyword": ({"project_slug": "class"}, "project_slug: 'class' is not allowed"),
    "slug-leading-digit": ({"project_slug": "1api"}, "project_slug: '1api' is not allowed"),
    "slug-shadows-stdlib": ({"project_slug": "json"}, "would shadow the module"),
    "slug-shadows-django": ({"project_slug": "django"}, "would shadow the module"),
    "slug-shadows-config": ({"project_slug": "config"}, "would shadow the module"),
    "bad-email": ({"author_email": "not-an-address"}, "author_email: 'not-an-address' is not allowed"),
    "multiline-description": ({"description": "one\ntwo"}, "description: 'one\\ntwo' is not allowed"),
    "access-not-number": ({"access_token_lifetime_minutes": "fifteen"}, "access_token_lifetime_minutes: 'fifteen'"),
    "access-zero": ({"access_token_lifetime_minutes": "0"}, "whole number from 1 to 1440"),
    "access-too-long": ({"access_token_lifetime_minutes": "1441"}, "whole number from 1 to 1440"),
    "access-leading-zero": ({"access_token_lifetime_minutes": "015"}, "access_token_lifetime_minutes: '015'"),
    "access-fraction": ({"access_token_lifetime_minutes": "1.5"}, "access_token_lifetime_minutes: '1.5'"),
    "refresh-zero": ({"refresh_token_lifetime_days": "0"}, "whole number from 1 to 365"),
    "refresh-too-long": ({"refresh_token_lifetime_days": "366"}, "whole number from 1 to 365"),
    "refresh-not-longer-than-access": (
        {"access_token_lifetime_minutes": "1440", "refresh_token_lifetime_days": "1"},
        "the refresh token must outlive the access token",
    ),
    "grace-too-long": ({"rotation_grace_seconds": "61"}, "whole number from 0 to 60"),
    "max-session-negative": ({"max_session_days": "-1"}, "max_session_days: '-1'"),
    "max-session-shorter-than-refresh": ({"max_session_days": "3"}, "at least refresh_token_lifetime_days (7)"),
    "max-sessions-negative": ({"max_sessions_per_user": "-1"}, "max_sessions_per_user: '-1'"),
    "max-sessions-too-many": ({"max_sessions_per_user": "1001"}, "whole number from 0 to 1000"),
    "leeway-too-long": ({"leeway_seconds": "301"}, "whole number from 0 to 300"),
    "storage-unknown": ({"refresh_token_storage": "session_storage"}, "use httponly_cookie or local_storage"),
    "algorithm-unknown": ({"signing_algorithm": "HS512"}, "use HS256 or RS256"),
    "algorithm-none": ({"signing_algorithm": "none"}, "signing_algorithm: 'none' is not allowed"),
    "database-unknown": ({"database": "mysql"}, "use sqlite or postgresql"),
    "yes-no-unknown": ({"rotate_refresh_tokens": "y"}, "rotate_refresh_tokens: 'y' is not allowed; use yes or no"),
    "setup-unknown": ({"setup_environment": "maybe"}, "setup_environment: 'maybe' is not allowed"),
    "demo-unknown": ({"include_demo": "y"}, "include_demo: 'y' is not allowed; use yes or no"),
    "blacklist-after-rotation-typo": ({"blacklist_after_rotation": "yse"}, "blacklist_after_rotation: 'yse'"),
    "blacklist-after-rotation-without-rotation": (
        {"rotate_refresh_tokens": "no", "blacklist_after_rotation": "yes"},
        "blacklist_after_rotation: 'yes' is not allowed unless rotate_refresh_tokens and token_blacklist",
    ),
    "blacklist-after-rotation-without-blacklist": (
        {"token_blacklist": "no", "blacklist_after_rotation": "yes"},
        "blacklist_after_rotation: 'yes' is not allowed unless",
    ),
    "reuse-detection-without-rotation": (
        {"rotate_refresh_tokens": "no", "blacklist_after_rotation": "no", "reuse_detection": "yes"},
        "reuse_detection: 'yes' is not allowed unless rotate_refresh_tokens and token_blacklist",
    ),
    "reuse-detection-without-spent-records": (
        {"blacklist_after_rotation": "no", "reuse_detection": "yes"},
        "reuse_detection: 'yes' is not allowed unless blacklist_after_rotation",
    ),
    "grace-without-spent-records": (
        {"blacklist_after_rotation": "no", "reuse_detection": "no", "rotation_grace_seconds": "5"},
        "rotation_grace_seconds: '5' is not allowed unless blacklist_after_rotation",
    ),
    "issuer-with-space": ({"jwt_issuer": "my api"}, "jwt_issuer: 'my api' is not allowed"),
    "audience-with-quote": ({"jwt_audience": 'api"'}, "jwt_audience: 'api\"' is not allowed"),
    "audience-empty": ({"jwt_audience": ""}, "jwt_audience: '' is not allowed"),
    "login-rate-unreadable": ({"login_throttle_rate": "ten per minute"}, "login_throttle_rate: 'ten per minute'"),
    "refresh-rate-zero": ({"refresh_throttle_rate": "0/minute"}, "refresh_throttle_rate: '0/minute' is not allowed"),
    "refresh-rate-bad-period": ({"refresh_throttle_rate": "5/week"}, "use requests/period"),
    "claim-unknown": ({"custom_claims": "username,favourite_colour"}, "custom_claims: 'username,favourite_colour'"),
    "claim-password": ({"custom_claims": "password"}, "custom_claims: 'password' is not allowed"),
    "claim-repeated": ({"custom_claims": "email,email"}, "distinct fields"),
}


def test_the_defaults_are_valid():
    assert pre_gen.first_error(default_answers()) is None


@pytest.mark.parametrize("changes, message", BAD_ANSWERS.values(), ids=BAD_ANSWERS.keys())
def test_each_rule_refuses_its_bad_answer(changes, message):
    error = pre_gen.first_error({**default_answers(), **changes})

    assert error is not None
    assert message in error
    assert "\n" not in error


@pytest.mark.parametrize(
    "changes",
    [
        {"rotate_refresh_tokens": "no", "blacklist_after_rotation": "no", "reuse_detection": "no"},
        {"token_blacklist": "no", "blacklist_after_rotation": "no", "reuse_detection": "no"},
        {"custom_claims": ""},
        {"custom_claims": " email , is_superuser "},
        {"max_session_days": "0"},
        {"rotation_grace_seconds": "60"},
        {"project_slug": "shop_api2"},
    ],
    ids=["no-rotation", "no-blacklist", "no-claims", "spaced-claims", "unlimited-session", "max-grace", "digit-slug"],
)
def test_good_combinations_pass(changes):
    assert pre_gen.first_error({**default_answers(), **changes}) is None


# What reaches the hook from the command line: cookiecutter refuses a value outside a menu itself.
CLI_CASES = {
    name: BAD_ANSWERS[name]
    for name in (
        "slug-shadows-stdlib",
        "blacklist-after-rotation-without-rotation",
        "reuse-detection-without-spent-records",
        "claim-unknown",
    )
}


@pytest.mark.parametrize("changes, message", CLI_CASES.values(), ids=CLI_CASES.keys())
def test_cookiecutter_stops_with_one_line_and_writes_nothing(tmp_path, changes, message):
    overrides = [f"{key}={value}" for key, value in changes.items()]
    result = subprocess.run(
        [sys.executable, "-m", "cookiecutter", "--no-input", "--output-dir", str(tmp_path), str(TEMPLATE), *overrides],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("ERROR: ") and message in line]
    assert len(error_lines) == 1, result.stderr
    assert list(tmp_path.iterdir()) == []
