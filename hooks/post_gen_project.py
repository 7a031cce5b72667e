"""Finish the generated project: prune, write secrets, make keys, check the render, set up.

Runs inside the new project folder. Each step prints its name and duration; a step that
fails says how to run it by hand and leaves every generated file in place.
"""

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

# Rendered by cookiecutter; read once, through JSON, so quotes or backslashes in an
# answer can neither break nor inject into this script.
RAW_ANSWERS = r"""{{ cookiecutter | tojson }}"""

# What each answer makes unnecessary: (answer, value) -> paths to delete.
PRUNE_TABLE = {
    ("refresh_token_storage", "local_storage"): [
        "{slug}/authentication/cookies.py",
        "tests/authentication/test_cookie_mode.py",
        "tests/authentication/test_cookie_tossing.py",
        "tests/core/test_production_cookie.py",
        "docs/screenshots/demo-httponly_cookie.png",
    ],
    ("refresh_token_storage", "httponly_cookie"): [
        "tests/authentication/test_body_mode.py",
        "docs/screenshots/demo-local_storage.png",
    ],
    # Derived answers (derived_answers below): a cookie-mode project keeps the body carrier
    # only for its /api/app/ endpoints.
    ("serves_app_endpoints", "no"): [
        "{slug}/authentication/app_views.py",
        "tests/authentication/test_app_endpoints.py",
        "docs/native-apps.md",
    ],
    ("carries_refresh_in_body", "no"): [
        "{slug}/authentication/body.py",
        "docs/scripts.md",
        "tests/core/test_script_example.py",
    ],
    ("include_demo", "no"): [
        "{slug}/demo",
        "client/src/demo.js",
        "docs/demo.md",
        "docs/screenshots",
        "tests/demo",
    ],
    ("signing_algorithm", "HS256"): [
        "{slug}/authentication/keys.py",
        "{slug}/authentication/jwks.py",
        "tests/authentication/test_rs256.py",
        "tests/core/test_production_rs256.py",
        "docs/rs256.md",
    ],
    ("signing_algorithm", "RS256"): [
        "tests/core/test_production_hs256.py",
    ],
    ("token_blacklist", "no"): [
        "{slug}/authentication/blacklist.py",
        "tests/authentication/test_tokens_at_rest.py",
    ],
    ("revoke_access_on_logout", "no"): [
        "tests/authentication/test_revocation_feed.py",
    ],
    ("rotate_refresh_tokens", "no"): [
        "tests/authentication/test_rotation.py",
        "docs/rotation.md",
    ],
    ("blacklist_after_rotation", "no"): [
        "tests/authentication/test_reuse_detection.py",
        "tests/authentication/test_concurrent_rotation.py",
        "tests/authentication/test_grace_window_replay.py",
        "docs/rotation.md",
    ],
}

# Leftover cookiecutter syntax. Spelled so that no brace pair appears: Jinja renders this file.
LEFTOVER_TEMPLATE = re.compile(r"\{\{-?\s*cookiecutter\.|[{]%-?\s*(if|for|set|elif)\b[^%]*cookiecutter\.")


class StepFailed(Exception):
    """A step could not finish; the message says how to finish it by hand."""


def derived_answers(answers: dict) -> dict:
    """Return the answers plus what follows from several of them together, as "yes"/"no"."""
    cookie_mode = answers["refresh_token_storage"] == "httponly_cookie"
    serves_app_endpoints = cookie_mode and answers.get("native_app_endpoints") == "yes"
    return {
        **answers,
        "serves_app_endpoints": "yes" if serves_app_endpoints else "no",
        "carries_refresh_in_body": "yes" if serves_app_endpoints or not cookie_mode else "no",
    }


def paths_to_prune(answers: dict) -> list[str]:
    """Return the project-relative paths that these answers make unnecessary."""
    slug = answers["project_slug"]
    answers = derived_answers(answers)
    return [
        path.format(slug=slug)
        for (key, value), paths in PRUNE_TABLE.items()
        if answers.get(key) == value
        for path in paths
    ]


def prune_files(answers: dict, root: Path) -> None:
    for relative in paths_to_prune(answers):
        target = root / relative
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()


def env_file_text(answers: dict) -> str:
    """Return the contents of .env: fresh secrets, never the same twice."""
    lines = [
        "# Written at generation; never commit this file (it is in .gitignore).",
        f"DJANGO_SECRET_KEY={secrets.token_urlsafe(50)}",
    ]
    if answers["signing_algorithm"] == "HS256":
        lines.append(f"JWT_SIGNING_KEY={secrets.token_urlsafe(50)}")
    if answers["database"] == "postgresql":
        lines.append(f"DATABASE_URL=postgres://postgres@127.0.0.1:5432/{answers['project_slug']}")
    return "\n".join(lines) + "\n"


def write_private_file(path: Path, text: str) -> None:
    """Create a file only its owner can read, private from its first byte (no chmod afterwards)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)


def write_env_file(answers: dict, root: Path) -> None:
    env_file = root / ".env"
    if not env_file.exists():  # rendered over an existing project: its secrets stay
        write_private_file(env_file, env_file_text(answers))


# Machine-specific context cookiecutter adds, not answers: left out of the record.
NOT_ANSWERS = ("_output_dir", "_repo_dir", "_checkout")


def answers_record(answers: dict) -> str:
    """Return the answers as a cookiecutter replay file, to re-render or update the project."""
    record = {key: value for key, value in answers.items() if key not in NOT_ANSWERS}
    return json.dumps({"cookiecutter": record}, indent=2, sort_keys=True) + "\n"


def record_answers(answers: dict, root: Path) -> None:
    (root / ".cookiecutter.json").write_text(answers_record(answers))


def generate_keys(answers: dict, root: Path) -> None:
    """Write an RS256 key pair into keys/, with the project's own generator or openssl."""
    module = f"{answers['project_slug']}.authentication.keys"
    result = subprocess.run([sys.executable, "-m", module, "keys"], cwd=root, capture_output=True, text=True)
    if result.returncode == 0:
        return
    if shutil.which("openssl") is None:
        raise StepFailed("neither the cryptography package nor openssl is available; run `make keys` once installed")
    keys = root / "keys"
    keys.mkdir(exist_ok=True)
    run(
        [
            "openssl",
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-out",
            "keys/jwt_private_key.pem",
        ],
        root,
        "make keys",
    )
    run(
        ["openssl", "pkey", "-in", "keys/jwt_private_key.pem", "-pubout", "-out", "keys/jwt_public_key.pem"],
        root,
        "make keys",
    )
    (keys / "jwt_private_key.pem").chmod(0o600)


def leftover_template_syntax(root: Path) -> list[str]:
    """Return the files that still contain cookiecutter template syntax."""
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or ".venv" in path.parts or "node_modules" in path.parts:
            continue
        try:
            text = path.read_text()
        except (UnicodeDecodeError, OSError):
            continue
        if LEFTOVER_TEMPLATE.search(text):
            found.append(str(path.relative_to(root)))
    return found


def python_files_that_do_not_compile(root: Path) -> list[str]:
    """Return the generated .py files that are not valid Python."""
    broken = []
    for path in sorted(root.rglob("*.py")):
        if ".venv" in path.parts:
            continue
        try:
            compile(path.read_text(), str(path), "exec")
        except SyntaxError:
            broken.append(str(path.relative_to(root)))
    return broken


def check_render(answers: dict, root: Path) -> None:
    leftovers = leftover_template_syntax(root)
    broken = python_files_that_do_not_compile(root)
    if leftovers or broken:
        raise StepFailed(f"template bug: leftover template syntax in {leftovers}, broken Python in {broken}")


def run(command: list[str], root: Path, rerun_hint: str) -> None:
    """Run a command in the project; on failure raise StepFailed with its output and the hint."""
    result = subprocess.run(command, cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise StepFailed(f"`{' '.join(command)}` failed:\n{tail}\nTo finish by hand: {rerun_hint}")


def venv_python(root: Path) -> str:
    return str(root / ".venv" / ("Scripts" if os.name == "nt" else "bin") / "python")


def venv_uv(root: Path) -> Path:
    return root / ".venv" / ("Scripts" if os.name == "nt" else "bin") / ("uv.exe" if os.name == "nt" else "uv")


def importable_uv() -> str | None:
    """Return the uv binary of the `uv` package installed beside cookiecutter, if there is one."""
    try:
        import uv  # the PyPI package ships the binary and says where it is

        return uv.find_uv_bin()
    except (ImportError, FileNotFoundError):
        return None


def find_uv(root: Path) -> str | None:
    """Return the uv to install with: on PATH, importable here, or already in .venv; else None."""
    in_venv = str(venv_uv(root)) if venv_uv(root).exists() else None
    return shutil.which("uv") or importable_uv() or in_venv


def get_uv(answers: dict, root: Path) -> None:
    """Make sure there is a uv to install with, installing it into .venv with pip when there is none."""
    found = find_uv(root)
    if found:
        print(f"      using {found}", flush=True)
        return
    hint = "pip install uv, then make install"
    # No pip in .venv: this Python's pip installs into it (pip 22.3+), seconds faster than ensurepip.
    run([sys.executable, "-m", "venv", "--without-pip", ".venv"], root, hint)
    try:
        run([sys.executable, "-m", "pip", "--python", venv_python(root), "install", "--quiet", "uv"], root, hint)
    except StepFailed:
        # This Python has no pip, or one too old for --python: give .venv a pip of its own.
        run([sys.executable, "-m", "venv", ".venv"], root, hint)
        run([venv_python(root), "-m", "pip", "install", "--quiet", "uv"], root, hint)
    print(f"      installed {venv_uv(root)} with pip", flush=True)


def lock_dependencies(answers: dict, root: Path) -> None:
    """Write uv.lock: the exact versions every later install (make install, CI) gets."""
    uv = find_uv(root)
    command = [uv, "lock", "--python", sys.executable]
    try:
        run(command, root, "make install")
    except StepFailed as online:
        # No network (or no index): the versions uv has cached still make a complete lock.
        try:
            run([*command, "--offline"], root, "make install")
        except StepFailed:
            raise online from None
        print("      the package index was out of reach: locked from uv's cache", flush=True)


def install_project(answers: dict, root: Path) -> None:
    run(
        [find_uv(root), "sync", "--locked", "--extra", "dev", "--python", sys.executable],
        root,
        "make install",
    )


# Run by the project's own Python, which has psycopg and django-environ. CREATE DATABASE needs a
# connection to another database, and cannot run in a transaction.
CREATE_DATABASE_IF_MISSING = """
import sys

import environ
import psycopg
from psycopg import sql

env = environ.Env()
env.read_env(".env")  # as config/settings does: a DATABASE_URL in the environment wins
database = env.db("DATABASE_URL")
server = dict(host=database["HOST"], port=database["PORT"], user=database["USER"], password=database["PASSWORD"])
try:
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as connection:
        query = "SELECT 1 FROM pg_database WHERE datname = %s"
        if connection.execute(query, [database["NAME"]]).fetchone():
            print(f"database {database['NAME']} is already there")
        else:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database["NAME"])))
            print(f"created database {database['NAME']}")
except psycopg.Error as error:
    sys.exit(f"could not create database {database['NAME']}: {error}")
"""


def create_database(answers: dict, root: Path) -> None:
    """Create the project's PostgreSQL database on the server DATABASE_URL names, unless it is there."""
    hint = "start PostgreSQL (or point DATABASE_URL in .env at a server), create the database it names, make migrate"
    result = subprocess.run(
        [venv_python(root), "-c", CREATE_DATABASE_IF_MISSING], cwd=root, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise StepFailed(f"{(result.stdout + result.stderr).strip()}\nTo finish by hand: {hint}")
    print(f"      {result.stdout.strip()}", flush=True)


# One Django start-up instead of two: on a new .venv each start compiles Django afresh, a second
# or more. The check stops at warnings too, before the database is touched; the migrations
# create the cache tables as well (core/migrations).
CHECK_AND_MIGRATE = (
    "from django.core.management import call_command; "
    "call_command('check', fail_level='WARNING'); "
    "call_command('migrate', interactive=False)"
)


def check_and_migrate(answers: dict, root: Path) -> None:
    hint = ".venv/bin/python manage.py check --fail-level WARNING && make migrate"
    run([venv_python(root), "manage.py", "shell", "--command", CHECK_AND_MIGRATE], root, hint)


def features_off_note(answers: dict) -> str | None:
    """Return one line naming the features left off because rotation or the blacklist is off, or None."""
    off = [
        name
        for key, name in (("rotate_refresh_tokens", "rotation"), ("token_blacklist", "the blacklist"))
        if answers[key] != "yes"
    ]
    if not off:
        return None
    # Their prompts default to off in that case (cookiecutter.json); say so for --no-input users.
    followers = "blacklist after rotation, reuse detection and the grace window"
    return f"Note: with {' and '.join(off)} off, {followers} are off too."


def app_endpoints_note(answers: dict) -> str | None:
    """Return a line saying native_app_endpoints changes nothing in local_storage mode, or None."""
    if answers.get("native_app_endpoints") != "yes" or answers["refresh_token_storage"] != "local_storage":
        return None
    return (
        "Note: in local_storage mode the normal endpoints already take the refresh token in JSON; "
        "native_app_endpoints adds nothing."
    )


def rendered_by_cruft(answers: dict) -> bool:
    """Return whether cruft renders the template (it adds `_commit`; plain cookiecutter does not)."""
    return "_commit" in answers


def sets_up_environment(answers: dict) -> bool:
    """Return whether to create .venv, install and migrate after rendering.

    Never under cruft: `cruft update` renders the template twice into folders it throws away,
    replaying the recorded answers, and would install into each of them.
    """
    return answers["setup_environment"] == "yes" and not rendered_by_cruft(answers)


def steps_for(answers: dict) -> list:
    """Return the (description, function) steps these answers call for, in order."""
    steps = [
        ("Removing files these answers do not need", prune_files),
        ("Writing .env with fresh secrets", write_env_file),
        ("Recording the answers in .cookiecutter.json", record_answers),
    ]
    if answers["signing_algorithm"] == "RS256":
        steps.append(("Generating the RS256 key pair in keys/", generate_keys))
    steps.append(("Checking the rendered files", check_render))
    if sets_up_environment(answers):
        steps += [
            ("Finding uv (else installing it into .venv with pip)", get_uv),
            ("Locking the dependencies in uv.lock", lock_dependencies),
            ("Installing the locked versions into .venv", install_project),
        ]
        if answers["database"] == "postgresql":
            steps.append(("Creating the PostgreSQL database if it is missing", create_database))
        steps.append(("Checking the project and migrating the database", check_and_migrate))
    return steps


def run_steps(answers: dict, root: Path) -> bool:
    """Run every step, printing each with its duration; stop at the first failure."""
    total = len(steps_for(answers))
    for number, (description, step) in enumerate(steps_for(answers), start=1):
        print(f"[{number}/{total}] {description} ...", flush=True)
        started = time.monotonic()
        try:
            step(answers, root)
        except (StepFailed, OSError) as failure:
            print(f"      FAILED after {time.monotonic() - started:.1f}s: {failure}", flush=True)
            print(f"      The project is in {root}; finish the step above by hand.", flush=True)
            return False
        print(f"      done in {time.monotonic() - started:.1f}s", flush=True)
    return True


def main() -> None:
    answers = json.loads(RAW_ANSWERS)
    root = Path.cwd()
    for note in (features_off_note(answers), app_endpoints_note(answers)):
        if note:
            print(note, flush=True)
    if answers["setup_environment"] == "yes" and not sets_up_environment(answers):
        print("Note: cruft renders this template again on every update, so set up with `make install`.", flush=True)
    if run_steps(answers, root):
        print(f"\nYour project is ready in {root}. Next: cd {root.name} && make help")


if __name__ == "__main__":
    main()
