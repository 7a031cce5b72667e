"""Run each baked project's own test suites: pytest (SQLite and PostgreSQL), Django 6 on Python 3.12, node."""

import shutil
import sys

import pytest

from .conftest import bake, python_312, require, run
from .matrix import FULL_SUITE, LIVE_SERVERS, MATRIX, NEEDS_POSTGRESQL

# What costs real processes (servers, browsers) runs where the matrix says it adds something;
# `slow` tests (a quarter of a million sessions) run in the defaults' make test (SQLite) and
# the FULL_SUITE bake (PostgreSQL) only.
IN_PROCESS_ONLY = ["-m", "not live_server_process and not browser and not slow"]
NO_BROWSER = ["-m", "not browser and not slow"]


def selection_for(name: str) -> list[str]:
    """Return the pytest arguments that choose which of the bake's tests run."""
    if name in FULL_SUITE:
        return []
    return NO_BROWSER if name in LIVE_SERVERS else IN_PROCESS_ONLY


def pytest_output(result) -> str:
    return "\n".join((result.stdout + result.stderr).splitlines()[-40:])


@pytest.mark.parametrize("name", MATRIX.keys())
def test_generated_suite_passes(request, baked, name):
    env = {}
    if name in NEEDS_POSTGRESQL:
        env["DATABASE_URL"] = request.getfixturevalue("postgres_url")
    selection = selection_for(name)

    result = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *selection], cwd=baked(MATRIX[name]), env=env
    )

    assert result.returncode == 0, pytest_output(result)
    assert " passed" in result.stdout


def test_generated_suite_passes_on_django_6_with_python_312(baked):
    interpreter = python_312()
    require(interpreter is not None, "no .venv-py312: `make test` creates it where Python 3.12 is installed")
    version = run([interpreter, "-c", "import django; print(django.VERSION[0])"], cwd=".")
    assert version.stdout.strip() == "6", "the 3.12 environment should resolve Django 6.x"

    # In process only: the server processes and browsers run the same code, and run on 3.11
    # in every storage mode and database already (about two minutes of CI saved).
    result = run([interpreter, "-m", "pytest", "-q", "-p", "no:cacheprovider", *IN_PROCESS_ONLY], cwd=baked({}))

    assert result.returncode == 0, pytest_output(result)


@pytest.mark.parametrize("storage", ["httponly_cookie", "local_storage"])
def test_generated_javascript_client_tests_pass(baked, storage):
    require(shutil.which("node") is not None, "node is not installed")
    answers = {} if storage == "httponly_cookie" else MATRIX["storage:local-rotate:no-blacklist:no"]

    result = run(["node", "--test", "test/"], cwd=baked(answers) / "client")

    assert result.returncode == 0, pytest_output(result)


def test_default_bake_sets_itself_up_and_its_make_test_passes(tmp_path):
    """What a new user does: cookiecutter with every default (environment included), then make test."""
    project = bake(tmp_path, {"setup_environment": "yes"})
    assert (project / ".venv" / "bin" / "python").exists()
    assert (project / "db.sqlite3").exists()

    result = run(["make", "test"], cwd=project, timeout=1200)

    assert result.returncode == 0, pytest_output(result)
