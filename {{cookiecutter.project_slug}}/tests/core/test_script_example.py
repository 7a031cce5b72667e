"""The Python example of docs/scripts.md works as written, against a live server."""

import os
import re
import subprocess
import sys

import pytest

from tests.support import PASSWORD, PROJECT_DIR

pytestmark = pytest.mark.live_server_process


def documented_example() -> str:
    """Return the python block of docs/scripts.md."""
    text = (PROJECT_DIR / "docs" / "scripts.md").read_text()
    return re.search(r"^```python\n(.*?)^```$", text, re.MULTILINE | re.DOTALL).group(1)


def example_module(server_url: str) -> dict:
    """Return the example's names, loaded as a module would be (not run as a script) against the server."""
    namespace = {"__name__": "example"}
    exec(compile(documented_example(), "docs/scripts.md", "exec"), namespace)  # noqa: S102 (our own docs)
    namespace["API"] = server_url
    return namespace


def test_the_example_runs_as_a_script_signing_in_calling_and_logging_out(start_server, tmp_path):
    server = start_server()
    script = tmp_path / "example.py"
    script.write_text(documented_example())
    env = {**os.environ, "API": server.url, "API_USERNAME": "alice", "API_PASSWORD": PASSWORD}

    result = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    assert "'username': 'alice'" in result.stdout


def test_the_example_refreshes_when_its_access_token_is_refused_and_keeps_working(start_server):
    example = example_module(start_server().url)
    session = example["ApiSession"]("alice", PASSWORD)
    first_refresh = session.refresh
    session.access += "spoiled"  # refused like an expired one: 401

    assert session.get("/api/me/")["username"] == "alice"
{%- if cookiecutter.rotate_refresh_tokens == "yes" %}
    assert session.refresh != first_refresh
{%- else %}
    assert session.refresh == first_refresh
{%- endif %}
    assert session.get("/api/me/")["username"] == "alice"


def test_after_the_examples_logout_its_refresh_token_is_refused(start_server):
    example = example_module(start_server().url)
    session = example["ApiSession"]("alice", PASSWORD)

    session.logout()

    with pytest.raises(example["urllib"].error.HTTPError) as refused:
        session.refresh_tokens()
    assert refused.value.code == 401
