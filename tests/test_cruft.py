"""Fixes reach projects generated earlier, through cruft.

A copy of this template becomes a git repository of three commits: the oldest without cruft
support, an older one with it, and the current one, whose change (a section of the generated
docs/developing.md) older projects lack. A project created with `cruft create` at the older commit,
and one generated with plain cookiecutter at the oldest and linked as the README says, are edited
as their owners would, then updated with `cruft update`. Real git and real cruft; no network.
"""

import json
import shutil
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import TEMPLATE, run
from .hooks import post_gen

PROJECT = "{{cookiecutter.project_slug}}"
# The template's change that older projects lack, and that an update must bring.
FIXED_DOC = "docs/developing.md"
FIX_HEADING = "## Keeping this project up to date"
# Since the template supports cruft, the generated pyproject.toml names what updates must skip.
CRUFT_TABLE = "[tool.cruft]"
SKIP = [".env", "keys", ".cookiecutter.json"]
# RS256 so that keys/ is written too; setup_environment=yes is what a person gets by pressing
# Enter, and cruft replays it on every update: none of its renders may set anything up.
ANSWERS = {"signing_algorithm": "RS256", "setup_environment": "yes"}
SECRETS = [".env", "keys/jwt_private_key.pem", "keys/jwt_public_key.pem"]
OWNER_README_LINE = "Run by the payments team: ask in #payments."
OWNER_DOC_LINE = "Our staging server is staging.example.com; deploy there first."
COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv*", "build", "__pycache__", "*.py[cod]", ".pytest_cache", ".ruff_cache", "node_modules"
)


@dataclass
class Update:
    """A project before and after `cruft update`, and what cruft said on the way."""

    project: Path
    secrets_before: dict
    check_before: object
    update: object
    check_after: object


def isolated_env(home: Path) -> dict:
    """Return an environment where no user's git or cookiecutter configuration applies."""
    home.mkdir(parents=True, exist_ok=True)
    identity = {"NAME": "Template Tests", "EMAIL": "tests@example.com"}
    return {
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        # Nothing here may install: a render that tried to set up fails fast instead of downloading.
        "PIP_NO_INDEX": "1",
        **{f"GIT_{role}_{key}": value for role in ("AUTHOR", "COMMITTER") for key, value in identity.items()},
    }


def git(*args: str, cwd: Path, env: dict) -> str:
    result = run(["git", *args], cwd=cwd, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def cruft(*args: str, cwd: Path, env: dict):
    return run([sys.executable, "-m", "cruft", *args], cwd=cwd, env=env, timeout=300)


def commit_all(repo: Path, message: str, env: dict) -> str:
    git("add", "-A", cwd=repo, env=env)
    git("commit", "-q", "-m", message, cwd=repo, env=env)
    return git("rev-parse", "HEAD", cwd=repo, env=env)


def without_section(markdown: str, heading: str) -> str:
    """Return the markdown without the section under `heading` (up to the next heading of its level)."""
    start = markdown.index(heading)
    following = markdown.find("\n## ", start + len(heading))
    rest = markdown[following + 1 :] if following != -1 else ""
    return markdown[:start].rstrip("\n") + "\n" + ("\n" + rest if rest else "")


def without_table(toml: str, header: str) -> str:
    """Return the TOML without the table `header`, its comment line and its trailing blank line."""
    lines = toml.splitlines(keepends=True)
    start = lines.index(header + "\n")
    end = next(index for index in range(start, len(lines)) if not lines[index].strip())
    if lines[start - 1].startswith("#"):
        start -= 1
    return "".join(lines[:start] + lines[end + 1 :])


def template_repository(repo: Path, env: dict) -> dict:
    """Copy this template into a git repository of three commits; return their hashes by name."""
    shutil.copytree(TEMPLATE, repo, ignore=COPY_IGNORE)
    git("init", "-q", "-b", "main", cwd=repo, env=env)
    doc, pyproject = repo / PROJECT / FIXED_DOC, repo / PROJECT / "pyproject.toml"
    current_doc, current_pyproject = doc.read_text(), pyproject.read_text()
    assert FIX_HEADING in current_doc and CRUFT_TABLE in current_pyproject
    doc.write_text(without_section(current_doc, FIX_HEADING))
    pyproject.write_text(without_table(current_pyproject, CRUFT_TABLE))
    oldest = commit_all(repo, "The template before cruft support", env)
    pyproject.write_text(current_pyproject)
    older = commit_all(repo, "The template with cruft support", env)
    doc.write_text(current_doc)
    current = commit_all(repo, "The fix: the current template", env)
    return {"oldest": oldest, "older": older, "current": current}


def edit_as_an_owner(project: Path, env: dict) -> None:
    """Change generated files as an owner would, next to what the template's fix touches."""
    readme = project / "README.md"
    title, rest = readme.read_text().split("\n", 1)
    readme.write_text(f"{title}\n\n{OWNER_README_LINE}\n{rest}")
    doc = project / FIXED_DOC
    title, rest = doc.read_text().split("\n", 1)
    doc.write_text(f"{title}\n\n{OWNER_DOC_LINE}\n{rest}")
    commit_all(project, "Our own notes", env)


def take_over(project: Path, message: str, env: dict) -> None:
    """What an owner does with a new project: put it in git, then change it."""
    git("init", "-q", "-b", "main", cwd=project, env=env)
    commit_all(project, message, env)
    edit_as_an_owner(project, env)


def update_from_the_template(project: Path, env: dict) -> Update:
    """Check, update and check again, as the generated docs/developing.md says."""
    secrets_before = {name: (project / name).read_bytes() for name in SECRETS}
    check_before = cruft("check", cwd=project, env=env)
    update = cruft("update", "-y", cwd=project, env=env)
    check_after = cruft("check", cwd=project, env=env)
    return Update(project, secrets_before, check_before, update, check_after)


def link_context(project: Path) -> dict:
    """Return the answers to link with: the recorded ones, setup off (the README's one-liner)."""
    recorded = json.loads((project / ".cookiecutter.json").read_text())["cookiecutter"]
    return {key: value for key, value in recorded.items() if not key.startswith("_")} | {"setup_environment": "no"}


def link(project: Path, template: Path, commit: str, env: dict) -> None:
    """Link a plain cookiecutter project to the commit it was generated from, as the README says."""
    linked = cruft(
        "link",
        "--no-input",
        "--checkout",
        commit,
        "--extra-context",
        json.dumps(link_context(project)),
        str(template),
        cwd=project,
        env=env,
    )
    assert linked.returncode == 0, linked.stdout + linked.stderr
    state = json.loads((project / ".cruft.json").read_text())
    # Its pyproject.toml predates [tool.cruft]: the first update takes the skip list from here.
    (project / ".cruft.json").write_text(json.dumps({**state, "skip": SKIP}, indent=2) + "\n")
    commit_all(project, "Link to the template with cruft", env)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("cruft")
    env = isolated_env(root / "home")
    return root, env, template_repository(root / "template", env)


@pytest.fixture(scope="module")
def created(workspace) -> Update:
    """A project `cruft create`d at the older commit, edited by its owner, then updated."""
    root, env, commits = workspace
    made = cruft(
        "create",
        "--no-input",
        "--checkout",
        commits["older"],
        "--output-dir",
        str(root / "created"),
        "--extra-context",
        json.dumps(ANSWERS),
        str(root / "template"),
        cwd=root,
        env=env,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    project = root / "created" / "my_api"
    take_over(project, "Generated with cruft", env)
    return update_from_the_template(project, env)


@pytest.fixture(scope="module")
def linked(workspace) -> Update:
    """A project generated with plain cookiecutter at the oldest commit, edited, linked, updated."""
    root, env, commits = workspace
    oldest = root / "oldest-template"
    archive = root / "oldest.tar"
    git("archive", "-o", str(archive), commits["oldest"], cwd=root / "template", env=env)
    shutil.unpack_archive(archive, oldest)
    overrides = [f"{key}={value}" for key, value in (ANSWERS | {"setup_environment": "no"}).items()]
    made = run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            "--no-input",
            "--output-dir",
            str(root / "linked"),
            str(oldest),
            *overrides,
        ],
        cwd=root,
        env=env,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    project = root / "linked" / "my_api"
    take_over(project, "Generated with cookiecutter", env)
    link(project, root / "template", commits["oldest"], env)
    return update_from_the_template(project, env)


@pytest.fixture(params=["created", "linked"])
def updated(request) -> Update:
    return request.getfixturevalue(request.param)


def changed_paths(project: Path, env: dict) -> set[str]:
    """Return the paths git sees changed or new since the last commit (ignored files aside)."""
    status = run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=project, env=env)
    return {line[3:] for line in status.stdout.splitlines()}


def test_check_says_an_older_project_is_out_of_date(updated):
    assert updated.check_before.returncode == 1
    assert "out of date" in updated.check_before.stdout


def test_update_brings_the_templates_fix(updated):
    assert updated.update.returncode == 0, updated.update.stdout + updated.update.stderr
    assert FIX_HEADING in (updated.project / FIXED_DOC).read_text()


def test_update_keeps_the_owners_changes(updated):
    assert OWNER_README_LINE in (updated.project / "README.md").read_text()
    assert OWNER_DOC_LINE in (updated.project / FIXED_DOC).read_text()


def test_update_leaves_the_secrets_alone(updated):
    assert {name: (updated.project / name).read_bytes() for name in SECRETS} == updated.secrets_before


def test_update_shows_no_secrets_of_its_renders(updated):
    # Each render writes fresh secrets; in the patch they would be printed and then rejected.
    said = updated.update.stdout + updated.update.stderr

    assert "DJANGO_SECRET_KEY=" not in said
    assert "PRIVATE KEY" not in said


def test_update_leaves_nothing_to_resolve(updated, workspace):
    _, env, _ = workspace
    rejected = [str(path.relative_to(updated.project)) for path in updated.project.rglob("*.rej")]

    assert rejected == []
    assert changed_paths(updated.project, env) <= {".cruft.json", FIXED_DOC, "pyproject.toml"}


def test_update_leaves_a_project_that_skips_its_secrets_on_the_next_update(updated):
    pyproject = tomllib.loads((updated.project / "pyproject.toml").read_text())

    assert pyproject["tool"]["cruft"]["skip"] == SKIP


def test_check_passes_after_the_update(updated):
    assert updated.check_after.returncode == 0, updated.check_after.stdout + updated.check_after.stderr


def test_cruft_renders_set_nothing_up_though_the_answer_says_so(created):
    state = json.loads((created.project / ".cruft.json").read_text())

    assert state["context"]["cookiecutter"]["setup_environment"] == "yes"
    assert not (created.project / ".venv").exists()


def test_plain_cookiecutter_still_sets_up_when_asked():
    answers = {"setup_environment": "yes", "_template": str(TEMPLATE), "_output_dir": "/tmp"}

    assert post_gen.sets_up_environment(answers)
    assert not post_gen.sets_up_environment({**answers, "_commit": "0" * 40})
