"""Fixtures of the template's tests: bakes (cached per answers), services, interpreters."""

import json
import os
import shutil
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from cookiecutter.generate import generate_context
from cookiecutter.main import cookiecutter
from cookiecutter.prompt import prompt_for_config

TEMPLATE = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
POSTGRES_ADDRESS = ("127.0.0.1", 5432)
REDIS_ADDRESS = ("127.0.0.1", 6379)


def answers_for(changes: dict) -> dict:
    """Return the answers `cookiecutter --no-input` gives for these changes, rendered by cookiecutter itself.

    A choice list gives its first entry (or the change, moved first); a default written in Jinja
    (the slug, the answers that follow rotation and the blacklist) is rendered from earlier answers.
    """
    context = generate_context(str(TEMPLATE / "cookiecutter.json"), extra_context=changes)
    answers = prompt_for_config(context, no_input=True)
    return {key: value for key, value in answers.items() if not key.startswith("_")}


def default_answers() -> dict:
    """Return the defaults from cookiecutter.json, as cookiecutter renders them."""
    return answers_for({})


def bake(output_dir: Path, answers: dict) -> Path:
    """Render the template with these answers (no environment setup); return the project."""
    context = {"setup_environment": "no", **answers}
    return Path(cookiecutter(str(TEMPLATE), no_input=True, extra_context=context, output_dir=str(output_dir)))


@pytest.fixture(scope="session")
def baked(tmp_path_factory):
    """Return a function that bakes once per distinct set of answers in this session."""
    cache = {}

    def bake_once(answers: dict) -> Path:
        key = json.dumps(answers, sort_keys=True)
        if key not in cache:
            cache[key] = bake(tmp_path_factory.mktemp("bake"), answers)
        return cache[key]

    return bake_once


# The longest tests start first, so that with `pytest -n 2` neither worker is left with them at the end.
LONGEST_FIRST = ("test_default_bake_sets_itself_up", "test_generated_suite_passes")


def pytest_collection_modifyitems(items) -> None:
    def rank(item) -> int:
        return next((i for i, name in enumerate(LONGEST_FIRST) if item.name.startswith(name)), len(LONGEST_FIRST))

    items.sort(key=rank)


def is_listening(address) -> bool:
    try:
        with socket.create_connection(address, timeout=1):
            return True
    except OSError:
        return False


def require(condition: bool, why: str) -> None:
    """Skip with the reason when something real is missing; under CI that is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must run this for real, but {why}")
    pytest.skip(why)


@pytest.fixture
def postgres_url():
    """Return a DATABASE_URL for a fresh database name on the local PostgreSQL server."""
    require(is_listening(POSTGRES_ADDRESS), "no PostgreSQL server answers on 127.0.0.1:5432")
    return f"postgres://postgres@127.0.0.1:5432/bake_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def redis_url():
    require(is_listening(REDIS_ADDRESS), "no Redis server answers on 127.0.0.1:6379")
    return "redis://127.0.0.1:6379/0"


def python_312() -> str | None:
    """Return the .venv-py312 interpreter `make test` prepares, if this machine has one."""
    candidate = TEMPLATE / ".venv-py312" / "bin" / "python"
    return str(candidate) if candidate.exists() else None


def run(command, cwd, env=None, timeout=900) -> subprocess.CompletedProcess:
    """Run a command and return the result, its output captured as text."""
    full_env = {**os.environ, **(env or {})}
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(command, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout)


def ruff() -> str:
    return shutil.which("ruff", path=str(Path(sys.executable).parent)) or "ruff"
