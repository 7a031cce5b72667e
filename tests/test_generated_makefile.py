"""The generated project's Makefile, run as its owner would."""

import os
import stat
import subprocess

from .conftest import bake


def test_make_env_writes_a_secrets_file_only_the_owner_can_read(tmp_path):
    project = bake(tmp_path, {})  # a bake of its own: the shared ones keep the hook's .env
    (project / ".env").unlink()

    result = subprocess.run(
        ["make", ".env"], cwd=project, capture_output=True, text=True, timeout=60, preexec_fn=lambda: os.umask(0o022)
    )

    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((project / ".env").stat().st_mode) == 0o600
