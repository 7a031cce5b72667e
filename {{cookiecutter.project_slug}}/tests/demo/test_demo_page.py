"""The demo page at /: served in development, and in production only where DJANGO_SERVE_DEMO=true."""

import subprocess
import sys

from tests.support import PROJECT_DIR
from tests.support.production import production_environment

# Prints the name of the view at / under the settings of the environment, or "none".
VIEW_AT_ROOT = (
    "import django; django.setup(); from django.urls import Resolver404, resolve\n"
    "try: print(resolve('/').url_name)\n"
    "except Resolver404: print('none')"
)


def view_at_root(env: dict) -> str:
    result = subprocess.run(
        [sys.executable, "-c", VIEW_AT_ROOT], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_demo_page_is_served_with_a_csrf_cookie(client):
    response = client.get("/")

    assert response.status_code == 200
    assert b"auth-config" in response.content
    assert "csrftoken" in response.cookies


def test_local_settings_serve_the_demo_page(tmp_path):
    env = production_environment(tmp_path) | {"DJANGO_SETTINGS_MODULE": "config.settings.local"}

    assert view_at_root(env) == "demo"


def test_production_settings_do_not_serve_the_demo_page(tmp_path):
    assert view_at_root(production_environment(tmp_path)) == "none"


def test_production_serves_the_demo_page_where_django_serve_demo_is_true(tmp_path):
    env = production_environment(tmp_path) | {"DJANGO_SERVE_DEMO": "true"}

    assert view_at_root(env) == "demo"
