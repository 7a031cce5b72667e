"""Setting a generated project up: uv, the lock written at generation, make install, the database.

How long it takes is measured outside the tests (see the template's README); these check what
the setup leaves behind.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib

import psycopg
import pytest
import yaml

from .conftest import bake, run
from .hooks import post_gen

# A proxy that refuses every connection: the package index is out of reach, as on a plane.
NO_NETWORK = dict.fromkeys(("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"), "http://127.0.0.1:9")

INSTALLED_VERSIONS = (
    "import importlib.metadata as m, json; "
    "print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))"
)


def normalized(name: str) -> str:
    """Return a distribution name as the lock spells it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_versions(project) -> dict[str, set[str]]:
    """Return each package in uv.lock with its versions (one per Python where the lock forks)."""
    lock = tomllib.loads((project / "uv.lock").read_text())
    versions = {}
    for package in lock["package"]:
        versions.setdefault(package["name"], set()).add(package["version"])
    return versions


def hook_output(capfd) -> str:
    captured = capfd.readouterr()
    return captured.out + captured.err


@pytest.fixture(scope="module")
def set_up_project(tmp_path_factory):
    """Return a default bake that set itself up (setup_environment=yes)."""
    return bake(tmp_path_factory.mktemp("setup"), {"setup_environment": "yes"})


@pytest.fixture
def path_with_uv(set_up_project, tmp_path):
    """Return a PATH that finds the uv the set-up project installed, and no other."""
    folder = tmp_path / "uv-on-path"
    folder.mkdir()
    (folder / "uv").symlink_to(set_up_project / ".venv" / "bin" / "uv")
    return f"{folder}{os.pathsep}{os.environ['PATH']}"


def make(target: str, project, **env) -> subprocess.CompletedProcess:
    return run(["make", target, f"PYTHON={sys.executable}"], cwd=project, env=env, timeout=600)


def test_setup_writes_a_lock_that_pins_the_projects_dependencies(set_up_project):
    versions = locked_versions(set_up_project)

    for name in ("django", "djangorestframework", "djangorestframework-simplejwt", "pytest", "uv"):
        assert versions.get(name), f"{name} is not in uv.lock"
    # One Django per Python: 5.2 LTS on 3.11, 6.x on 3.12 and newer (requires-python >= 3.11).
    assert {version.split(".")[0] for version in versions["django"]} == {"5", "6"}


def test_setup_installs_exactly_the_locked_versions(set_up_project):
    versions = locked_versions(set_up_project)
    result = run([str(set_up_project / ".venv" / "bin" / "python"), "-c", INSTALLED_VERSIONS], cwd=set_up_project)
    installed = {normalized(name): version for name, version in json.loads(result.stdout).items()}

    assert installed.pop("my-api") == "0.1.0"
    assert {name: version for name, version in installed.items() if version not in versions.get(name, ())} == {}


def test_setup_works_offline_from_the_cache(set_up_project, path_with_uv, tmp_path, monkeypatch, capfd):
    """With the packages in uv's cache (the set-up project put them there), no network is needed."""
    monkeypatch.setenv("PATH", path_with_uv)
    for name, value in NO_NETWORK.items():
        monkeypatch.setenv(name, value)

    project = bake(tmp_path, {"setup_environment": "yes"})

    assert "locked from uv's cache" in hook_output(capfd)
    assert locked_versions(project) == locked_versions(set_up_project)
    assert (project / "db.sqlite3").exists()


def test_setup_creates_the_missing_postgresql_database(postgres_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", postgres_url)
    name = postgres_url.rsplit("/", 1)[1]

    try:
        bake(tmp_path, {"database": "postgresql", "setup_environment": "yes"})

        with psycopg.connect(postgres_url) as connection:
            migrations = connection.execute("SELECT count(*) FROM django_migrations").fetchone()[0]
    finally:
        with psycopg.connect(postgres_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    assert migrations > 0


def test_without_uv_the_hook_installs_it_into_the_venv_with_pip(tmp_path, monkeypatch):
    monkeypatch.setattr(post_gen, "find_uv", lambda root: None)

    post_gen.get_uv({}, tmp_path)

    version = run([str(post_gen.venv_uv(tmp_path)), "--version"], cwd=tmp_path)
    assert version.stdout.startswith("uv ")


def test_make_install_without_uv_installs_it_and_the_locked_versions(tmp_path):
    project = bake(tmp_path, {})
    folders = os.environ["PATH"].split(os.pathsep)
    no_uv = os.pathsep.join(folder for folder in folders if not shutil.which("uv", path=folder))

    result = make("install", project, PATH=no_uv)

    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / ".venv" / "bin" / "uv").exists()
    assert "django" in locked_versions(project)
    assert run([str(project / ".venv" / "bin" / "python"), "-c", "import django"], cwd=project).returncode == 0


def test_make_install_refuses_a_lock_that_is_behind_pyproject(set_up_project, path_with_uv, tmp_path):
    project = bake(tmp_path, {})
    assert make("install", project, PATH=path_with_uv).returncode == 0
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('    "gunicorn>=23",\n', ""))

    result = make("install", project, PATH=path_with_uv)

    assert result.returncode != 0
    assert "needs to be updated" in result.stderr


def test_generated_ci_installs_from_the_lock(baked):
    workflow = yaml.safe_load((baked({}) / ".github" / "workflows" / "ci.yml").read_text())

    for name, job in workflow["jobs"].items():
        commands = [step.get("run", "") for step in job["steps"]]
        assert "uv sync --locked --extra dev" in commands, f"job {name} does not install from uv.lock"
