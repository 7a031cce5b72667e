"""The template's laboratory: a baked project's token endpoints against stock simplejwt, and its long day of use.

lab.py bakes a project and drives it (`make bench`, `make soak` at the template's root);
run.py is the wrk benchmark, run from inside the baked project with this folder on
PYTHONPATH; settings.py and stock_settings.py are the two servers compared; worker.py
does the in-process work (migrations, token pools, SQL counts).
"""

import json
import os
from pathlib import Path

# The user every benchmark database has: the first one created, signed in as by the runs.
BENCH_USER_ID = 1
BENCH_USERNAME = "bench"
BENCH_PASSWORD = "bench-password-not-secret"
# The users that sign in during a run, each at most a few times (once a round, and in the
# warm-up): a user signs in as people do, below the project's cap on open sessions
# (JWT_MAX_SESSIONS_PER_USER), not into a session ended by the next sign-in.
SIGN_IN_USERS = 4000


def sign_in_usernames() -> list[str]:
    return [f"bench-{number}" for number in range(1, SIGN_IN_USERS + 1)]


def project_dir() -> Path:
    """Return the baked project under test: BENCH_PROJECT, else the current folder."""
    return Path(os.environ.get("BENCH_PROJECT") or Path.cwd()).resolve()


def project_package() -> str:
    """Return the baked project's package name, from the answers its post-gen hook recorded."""
    answers = json.loads((project_dir() / ".cookiecutter.json").read_text())
    return answers["cookiecutter"]["project_slug"]
