"""Bake every combination in the matrix and check the result without running its tests."""

import json
import re
import shutil
import sys
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .conftest import answers_for, require, ruff, run
from .hooks import post_gen
from .matrix import MATRIX, NEEDS_POSTGRESQL


@pytest.fixture(params=MATRIX.values(), ids=MATRIX.keys())
def project(request, baked):
    return baked(request.param), answers_for(request.param)


def test_bake_leaves_no_template_syntax(project):
    path, _ = project
    assert post_gen.leftover_template_syntax(path) == []


def test_all_python_compiles(project):
    path, _ = project
    assert post_gen.python_files_that_do_not_compile(path) == []


def test_ruff_is_clean(project):
    path, _ = project
    result = run([ruff(), "check", "--no-cache", "."], cwd=path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_manage_py_check_passes_with_local_settings(project):
    path, _ = project
    result = run([sys.executable, "manage.py", "check", "--fail-level", "WARNING"], cwd=path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pyproject_parses_and_names_the_project(project):
    path, answers = project
    pyproject = tomllib.loads((path / "pyproject.toml").read_text())

    assert pyproject["project"]["name"] == answers["project_slug"]
    assert pyproject["project"]["description"] == answers["description"]
    assert pyproject["project"]["authors"][0]["name"] == answers["author_name"]
    dependencies = " ".join(pyproject["project"]["dependencies"])
    assert ("psycopg" in dependencies) == (answers["database"] == "postgresql")
    assert ("cryptography" in dependencies) == (answers["signing_algorithm"] == "RS256")


def test_storage_mode_decides_the_cookie_files(project):
    path, answers = project
    app = path / answers["project_slug"] / "authentication"
    cookie_mode = answers["refresh_token_storage"] == "httponly_cookie"

    serves_app_endpoints = cookie_mode and answers["native_app_endpoints"] == "yes"

    assert (app / "cookies.py").exists() == cookie_mode
    assert (app / "body.py").exists() == (not cookie_mode or serves_app_endpoints)
    assert (app / "app_views.py").exists() == serves_app_endpoints
    assert (path / "tests" / "authentication" / "test_cookie_mode.py").exists() == cookie_mode
    assert (path / "tests" / "authentication" / "test_body_mode.py").exists() != cookie_mode
    assert f'refreshStorage: "{answers["refresh_token_storage"]}"' in (path / "client/src/config.js").read_text()


def test_the_demo_answer_decides_the_demo_files(project):
    path, answers = project
    demo = answers["include_demo"] == "yes"
    demo_files = [answers["project_slug"] + "/demo", "client/src/demo.js", "docs/screenshots", "tests/demo"]

    assert [relative for relative in demo_files if (path / relative).exists() != demo] == []
    assert ("SERVE_DEMO" in (path / "config" / "settings" / "base.py").read_text()) == demo


def test_the_project_holds_no_laboratory_and_no_test_code_in_its_package(project):
    path, answers = project
    package = path / answers["project_slug"]

    assert not (path / "bench").exists()
    assert not (path / "docs" / "benchmarks.md").exists()
    assert not (path / "conftest.py").exists()
    assert [str(test.relative_to(path)) for test in package.rglob("test*.py")] == []
    assert not (package / "core" / "testing.py").exists()
    assert not (package / "core" / "browser.py").exists()
    assert "echo" not in (path / "config" / "urls.py").read_text()


def test_algorithm_decides_the_keys(project):
    path, answers = project
    rs256 = answers["signing_algorithm"] == "RS256"
    env_text = (path / ".env").read_text()

    assert (path / answers["project_slug"] / "authentication" / "keys.py").exists() == rs256
    assert (path / "keys" / "jwt_private_key.pem").exists() == rs256
    assert ("JWT_SIGNING_KEY=" in env_text) != rs256
    if rs256:
        assert (path / "keys" / "jwt_private_key.pem").stat().st_mode & 0o077 == 0


def test_rotation_answers_decide_the_rotation_tests(project):
    path, answers = project
    tests = path / "tests" / "authentication"

    assert (tests / "test_rotation.py").exists() == (answers["rotate_refresh_tokens"] == "yes")
    assert (tests / "test_reuse_detection.py").exists() == (answers["blacklist_after_rotation"] == "yes")


def test_algorithm_decides_the_production_key_tests(project):
    path, answers = project
    tests = path / "tests" / "core"

    assert (tests / "test_production_rs256.py").exists() == (answers["signing_algorithm"] == "RS256")
    assert (tests / "test_production_hs256.py").exists() == (answers["signing_algorithm"] == "HS256")


def test_storage_mode_decides_the_production_cookie_tests(project):
    path, answers = project
    cookie_tests = path / "tests" / "core" / "test_production_cookie.py"

    assert cookie_tests.exists() == (answers["refresh_token_storage"] == "httponly_cookie")


# The one skipif a bake may hold: DATABASE_URL, not an answer, decides PostgreSQL at run time.
RUNTIME_SKIPIFS = {Path("tests/authentication/test_redis_outages_live.py")}


def test_no_generated_test_skips_what_an_answer_decided(project):
    """A test that does not apply to the answers is left out of the bake, not skipped when run."""
    path, _ = project
    skipping = {test.relative_to(path) for test in (path / "tests").rglob("*.py") if "skipif(" in test.read_text()}

    assert skipping <= RUNTIME_SKIPIFS


def test_blacklist_answer_decides_the_blacklist_module(project):
    path, answers = project
    app = path / answers["project_slug"] / "authentication"

    assert (app / "blacklist.py").exists() == (answers["token_blacklist"] == "yes")


def test_secrets_are_fresh_and_never_committed(project):
    path, _ = project
    gitignore = (path / ".gitignore").read_text().splitlines()

    assert ".env" in gitignore
    assert "keys/" in gitignore
    assert (path / ".env").stat().st_mode & 0o077 == 0
    assert "DJANGO_SECRET_KEY" in (path / ".env.example").read_text()
    secret = next(line for line in (path / ".env").read_text().splitlines() if line.startswith("DJANGO_SECRET_KEY="))
    assert secret != "DJANGO_SECRET_KEY=change-me"


def test_a_wheel_of_the_project_holds_no_test_code(baked, tmp_path):
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    require(uv is not None, "uv is not installed (make test installs it from requirements.txt)")
    project = shutil.copytree(baked({}), tmp_path / "project")
    result = run([uv, "build", "--wheel", "--out-dir", "dist"], cwd=project)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]

    (wheel,) = (project / "dist").glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()

    assert "my_api/authentication/views.py" in names
    assert "config/urls.py" in names
    test_code = [
        name
        for name in names
        if name.startswith("tests/") or "/tests/" in name or name.rsplit("/", 1)[-1].startswith(("test_", "conftest"))
    ]
    assert test_code == []
    assert not [name for name in names if "support/" in name or name.endswith(("testing.py", "browser.py"))]


def test_two_bakes_never_share_a_secret(tmp_path):
    from .conftest import bake

    first = (bake(tmp_path / "a", {}) / ".env").read_text()
    second = (bake(tmp_path / "b", {}) / ".env").read_text()

    assert first != second


def settings_of(path, expression: str, env: dict | None = None):
    """Return the value of a JSON-able expression over the bake's settings (named `s`), read by manage.py shell."""
    code = f"from django.conf import settings as s; import json; print(json.dumps({expression}))"
    result = run([sys.executable, "manage.py", "shell", "-c", code], cwd=path, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_settings_follow_the_answers(project):
    path, answers = project
    expression = (
        "{'access': s.SIMPLE_JWT['ACCESS_TOKEN_LIFETIME'].total_seconds(), "
        "'refresh': s.SIMPLE_JWT['REFRESH_TOKEN_LIFETIME'].days, 'rotate': s.SIMPLE_JWT['ROTATE_REFRESH_TOKENS'], "
        "'bar': s.SIMPLE_JWT['BLACKLIST_AFTER_ROTATION'], 'leeway': s.SIMPLE_JWT['LEEWAY'], "
        "'alg': s.SIMPLE_JWT['ALGORITHM'], "
        "'blacklist': 'rest_framework_simplejwt.token_blacklist' in s.INSTALLED_APPS, "
        "'claims': list(s.JWT_CUSTOM_CLAIMS), "
        "'engine': s.DATABASES['default']['ENGINE'], 'grace': s.JWT_ROTATION_GRACE_SECONDS, "
        "'reuse': s.JWT_REUSE_DETECTION, 'revoke_access': s.JWT_REVOKE_ACCESS_ON_LOGOUT, "
        "'max_session': s.JWT_MAX_SESSION.days if s.JWT_MAX_SESSION else 0, "
        "'iss': s.SIMPLE_JWT['ISSUER'], 'aud': s.SIMPLE_JWT['AUDIENCE'], 'rates': s.JWT_THROTTLE_RATES}"
    )
    actual = settings_of(path, expression)
    yes = lambda key: answers[key] == "yes"  # noqa: E731
    assert actual == {
        "access": int(answers["access_token_lifetime_minutes"]) * 60,
        "refresh": int(answers["refresh_token_lifetime_days"]),
        "rotate": yes("rotate_refresh_tokens"),
        "bar": yes("blacklist_after_rotation"),
        "leeway": int(answers["leeway_seconds"]),
        "alg": answers["signing_algorithm"],
        "blacklist": yes("token_blacklist"),
        "claims": [claim.strip() for claim in answers["custom_claims"].split(",") if claim.strip()],
        "engine": {
            "sqlite": "django.db.backends.sqlite3",
            "postgresql": "django.db.backends.postgresql",
        }[answers["database"]],
        "grace": int(answers["rotation_grace_seconds"]),
        "reuse": yes("reuse_detection"),
        "revoke_access": yes("revoke_access_on_logout"),
        "max_session": int(answers["max_session_days"]),
        "iss": answers["jwt_issuer"],
        "aud": answers["jwt_audience"],
        "rates": {
            "login": answers["login_throttle_rate"],
            "refresh": answers["refresh_throttle_rate"],
            "verify": "600/minute",
            "login_account": "20/hour",
        },
    }


@pytest.mark.parametrize("name", sorted(NEEDS_POSTGRESQL))
def test_postgresql_projects_keep_connections_and_check_them(baked, name):
    # Loading the settings opens no connection, so the database need not exist.
    expression = "{key: s.DATABASES['default'][key] for key in ('ENGINE', 'CONN_MAX_AGE', 'CONN_HEALTH_CHECKS')}"
    database = settings_of(
        baked(MATRIX[name]), expression, env={"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/x"}
    )

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True


@pytest.fixture
def postgres_database(postgres_url):
    """Create the database postgres_url names on the local server; drop it afterwards."""
    import psycopg

    name = postgres_url.rsplit("/", 1)[1]
    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        yield postgres_url
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_sqlite_project_moves_to_postgresql_by_setting_database_url(baked, postgres_database):
    """What its README and .env.example promise: no SQLite-only option may reach PostgreSQL."""
    project = baked({})
    env = {"DATABASE_URL": postgres_database}

    migrated = run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=project, env=env)
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    engine = settings_of(project, "s.DATABASES['default']['ENGINE']", env=env)
    assert engine == "django.db.backends.postgresql"


def test_recorded_answers_re_render_the_same_project(tmp_path):
    """`cookiecutter --replay-file .cookiecutter.json` gives the same project back (fresh secrets aside)."""
    from .conftest import TEMPLATE, bake

    first = bake(tmp_path / "first", {"refresh_token_storage": "local_storage", "jwt_issuer": "https://id.example"})
    again = run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            "--replay-file",
            str(first / ".cookiecutter.json"),
            "--output-dir",
            str(tmp_path / "again"),
            str(TEMPLATE),
        ],
        cwd=tmp_path,
    )
    assert again.returncode == 0, again.stderr

    second = tmp_path / "again" / first.name
    differing = [
        str(path.relative_to(first))
        for path in sorted(first.rglob("*"))
        if path.is_file() and path.read_bytes() != (second / path.relative_to(first)).read_bytes()
    ]
    assert differing == [".env"]


def test_every_environment_variable_is_documented_in_env_example(project):
    path, _ = project
    settings_code = "\n".join(
        file.read_text() for file in (path / "config" / "settings").glob("*.py") if file.name != "test.py"
    )
    read = set(re.findall(r'env(?:\.\w+)?\(\s*f?"([A-Z][A-Z0-9_]+)"', settings_code))
    read |= {f"{name}_FILE" for name in re.findall(r'read_pem\("([A-Z_]+)"\)', settings_code)}
    read |= set(re.findall(r'read_pem\("([A-Z_]+)"\)', settings_code))
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (path / ".env.example").read_text(), re.MULTILINE))

    assert read, "expected settings to read the environment"
    assert read - documented == set()


@dataclass
class Section:
    """One `## ` section of a Markdown file: its prose lines and its fenced code blocks."""

    title: str
    prose: list[str] = field(default_factory=list)
    code_blocks: list[tuple[str, list[str]]] = field(default_factory=list)  # (info string, lines)

    def text(self) -> str:
        """Return the prose as one line, the way Markdown joins wrapped lines."""
        return " ".join(line.strip() for line in self.prose if line.strip())


FENCE_OPENER = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})\s*(?P<info>\S*)")


def markdown_sections(markdown: str) -> list[Section]:
    """Return the `## ` sections in order (what precedes the first one titled ""), fences parsed as CommonMark does."""
    sections = [Section("")]
    fence = None
    for line in markdown.splitlines():
        if fence is not None:
            if re.fullmatch(rf" {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*", line):
                fence = None
            else:
                sections[-1].code_blocks[-1][1].append(line)
        elif opener := FENCE_OPENER.match(line):
            fence = opener["fence"]
            sections[-1].code_blocks.append((opener["info"], []))
        elif line.startswith("## "):
            sections.append(Section(line[3:].strip()))
        else:
            sections[-1].prose.append(line)
    assert fence is None, "a code fence is never closed"
    return sections


# Mermaid sequenceDiagram blocks: what opens one, and what may only stand inside one of a kind.
# https://mermaid.js.org/syntax/sequenceDiagram.html
MERMAID_OPENERS = {"alt", "opt", "loop", "par", "critical", "break", "rect"}
MERMAID_INSIDE = {"else": "alt", "and": "par", "option": "critical"}


def mermaid_nesting_errors(diagram: list[str]) -> list[str]:
    """Return what is wrong with the nesting of a sequenceDiagram's blocks; empty when each block ends."""
    errors, open_blocks = [], []
    for number, line in enumerate(diagram, start=1):
        keyword = (line.split() or [""])[0]
        if keyword in MERMAID_OPENERS:
            open_blocks.append(keyword)
        elif keyword in MERMAID_INSIDE and open_blocks[-1:] != [MERMAID_INSIDE[keyword]]:
            errors.append(f"line {number}: {keyword} outside {MERMAID_INSIDE[keyword]}")
        elif keyword == "end" and not open_blocks:
            errors.append(f"line {number}: end closes no block")
        elif keyword == "end":
            open_blocks.pop()
    return errors + [f"{block} never ends" for block in open_blocks]


def readme_sections(path) -> list[Section]:
    return markdown_sections((path / "README.md").read_text())


def markdown_files(path) -> list:
    """Return the bake's own Markdown: the README and docs/."""
    return [path / "README.md", *sorted((path / "docs").glob("*.md"))]


def mermaid_diagrams(section: Section) -> list[list[str]]:
    """Return the section's mermaid code blocks, blank lines left out."""
    return [[line for line in lines if line.strip()] for info, lines in section.code_blocks if info == "mermaid"]


def test_the_readme_draws_one_diagram_of_how_the_tokens_flow(project):
    path, _ = project
    diagrams = {section.title: mermaid_diagrams(section) for section in readme_sections(path)}

    assert [title for title, found in diagrams.items() if found] == ["How the tokens flow"]
    assert len(diagrams["How the tokens flow"]) == 1


def test_every_mermaid_diagram_in_the_docs_is_a_sequence_diagram_whose_blocks_end(project):
    path, _ = project
    diagrams = [
        diagram
        for markdown in markdown_files(path)
        for section in markdown_sections(markdown.read_text())
        for diagram in mermaid_diagrams(section)
    ]

    assert diagrams
    for diagram in diagrams:
        assert diagram[0] == "sequenceDiagram"
        assert mermaid_nesting_errors(diagram) == []


def test_the_rotation_doc_draws_rotation_when_rotated_tokens_are_spent(project):
    path, answers = project
    rotation_doc = path / "docs" / "rotation.md"
    spent = answers["rotate_refresh_tokens"] == "yes" and answers["blacklist_after_rotation"] == "yes"

    assert rotation_doc.exists() == spent
    if not spent:
        return
    blocks = [block for section in markdown_sections(rotation_doc.read_text()) for block in section.code_blocks]
    assert [info for info, _ in blocks] == ["mermaid"]
    diagram = [line for line in blocks[0][1] if line.strip()]
    assert diagram[0] == "sequenceDiagram"
    assert mermaid_nesting_errors(diagram) == []
    # With a grace window the replay branches (alt/else); the refusal is the diagram's last answer.
    keywords = [line.split()[0] for line in diagram]
    assert ("alt" in keywords) == ("else" in keywords) == (answers["rotation_grace_seconds"] != "0")
    refusal = "401 token_reused" if answers["reuse_detection"] == "yes" else "401 token_blacklisted"
    assert [line for line in diagram if "->>" in line][-1].endswith(f": {refusal}")


def test_readme_says_whether_refresh_tokens_rotate_and_how_they_are_spent(project):
    path, answers = project
    (flow,) = (section for section in readme_sections(path) if section.title == "How the tokens flow")
    text = flow.text()

    rotates = "Every refresh *rotates* the refresh token:"
    spent = "the old one is spent and a new one issued"
    not_spent = "The old one is not recorded as spent"
    does_not_rotate = "Refresh tokens do not rotate: the same refresh token is used until it expires"
    spending = "Spending is a single unique insert into the blacklist"
    reuse_revokes = "someone holds a copy: the whole session is revoked"
    if answers["rotate_refresh_tokens"] == "yes":
        spends = answers["blacklist_after_rotation"] == "yes"
        assert rotates in text
        assert does_not_rotate not in text
        assert (spent in text) == (spending in text) == spends
        assert (not_spent in text) != spends
        assert (reuse_revokes in text) == (answers["reuse_detection"] == "yes")
    else:
        assert does_not_rotate in text
        assert "rotates" not in text
        assert spending not in text


def test_the_rs256_doc_exists_only_for_rs256(project):
    path, answers = project

    assert (path / "docs" / "rs256.md").exists() == (answers["signing_algorithm"] == "RS256")


# A Markdown link or image to a file of this project: [text](relative/path#anchor).
RELATIVE_LINK = re.compile(r"!?\[[^\]]*\]\((?!https?:|#)([^)#\s]+)")


def linked_paths(path) -> list[str]:
    """Return what the README and docs/ link to, as paths from the project's root."""
    root = path.resolve()
    return [
        str((markdown.parent / target).resolve().relative_to(root))
        for markdown in markdown_files(path)
        for target in RELATIVE_LINK.findall(markdown.read_text())
    ]


def test_links_between_the_readme_and_docs_reach_files_the_bake_has(project):
    """A doc pruned for these answers is not linked; a doc (or picture) that is linked was not pruned."""
    path, _ = project
    between_docs = [link for link in linked_paths(path) if link == "README.md" or link.startswith("docs/")]

    assert "docs/api.md" in between_docs
    assert [link for link in between_docs if not (path / link).exists()] == []


def test_no_generated_markdown_line_holds_a_template_tag(project):
    path, _ = project
    leftovers = [
        f"{markdown.relative_to(path)}:{number}: {line}"
        for markdown in sorted(path.rglob("*.md"))
        if "node_modules" not in markdown.parts
        for number, line in enumerate(markdown.read_text().splitlines(), start=1)
        if "{%" in line or "%}" in line
    ]

    assert leftovers == []
