"""The curl walkthrough the README links to (docs/api.md) works as written, against a live server."""

import re
import shutil
import subprocess

import pytest

from {{ cookiecutter.project_slug }}.core.testing import DEMO_PASSWORD, PROJECT_DIR


def curl_walkthrough() -> str:
    """Return the shell block of docs/api.md that starts with API=..."""
    blocks = re.findall(r"^```sh\n(.*?)^```$", (PROJECT_DIR / "docs" / "api.md").read_text(), re.MULTILINE | re.DOTALL)
    return next(block for block in blocks if block.startswith("API="))


@pytest.mark.live_server_process
def test_the_readme_curl_walkthrough_signs_in_refreshes_and_logs_out(start_server, tmp_path):
    from conftest import require  # the project's root conftest

    bash = shutil.which("bash")
    require(bool(bash and shutil.which("curl")), "curl and bash are needed to run the README's walkthrough")
    server = start_server()
    credentials = f'"username": "alice", "password": "{DEMO_PASSWORD}"'
    script = (
        curl_walkthrough()
        .replace("API=http://127.0.0.1:8000", f"API={server.url}")
        .replace('"username": "demo", "password": "demo-password"', credentials)
    )

    result = subprocess.run([bash, "-e", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stdout + result.stderr
    assert '"username":"alice"' in result.stdout
    assert result.stdout.strip().endswith("205")
