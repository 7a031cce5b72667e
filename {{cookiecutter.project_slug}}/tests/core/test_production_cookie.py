"""config.settings.production in cookie mode: the refresh-token cookie's SameSite and the CSRF-trusted origins."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse

from config.settings.checks import check_choice

from tests.support.production import error_lines, manage, production_environment


def test_a_samesite_value_the_cookie_cannot_take_is_one_clear_error_line(tmp_path):
    env = production_environment(tmp_path) | {"JWT_REFRESH_COOKIE_SAMESITE": "bogus"}

    result = manage(env, "check", "--deploy")

    assert error_lines(result) == [
        "error: JWT_REFRESH_COOKIE_SAMESITE is 'bogus': use Strict, Lax or None (see .env.example)"
    ]


@pytest.mark.parametrize(("value", "choice"), [("Strict", "Strict"), ("lax", "Lax"), ("NONE", "None")])
def test_every_samesite_value_the_check_accepts_the_cookie_can_take(value, choice):
    assert check_choice("JWT_REFRESH_COOKIE_SAMESITE", value, ("Strict", "Lax", "None")) == choice

    HttpResponse().set_cookie("refresh_token", "token", samesite=choice)


@pytest.mark.parametrize("value", ["", "bogus", "Strictly"])
def test_the_samesite_check_refuses_what_the_cookie_cannot_take_or_leaves_out(value):
    with pytest.raises(ImproperlyConfigured, match=r"^JWT_REFRESH_COOKIE_SAMESITE is "):
        check_choice("JWT_REFRESH_COOKIE_SAMESITE", value, ("Strict", "Lax", "None"))


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
