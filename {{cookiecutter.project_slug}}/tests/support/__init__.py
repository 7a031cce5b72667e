"""What the tests share: the test user's password, the project folder, the custom claims, and `require`.

The modules beside this one hold the rest: live servers (servers), the signed-in session
helper (sessions), the README's error codes (errors) and Chromium (browser).
"""

import os
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
# The password of every user the tests create (alice, bob), in process and on live servers.
PASSWORD = "correct horse battery staple"
# A throttle rate no test reaches: throttles have tests of their own, which set their rates.
UNTHROTTLED = "100000/minute"
# The user fields the custom_claims answer copies into tokens: what the tests expect there,
# rendered from the answer rather than read back from the settings under test.
CUSTOM_CLAIMS = {{ cookiecutter.custom_claims.split(",") | map("trim") | select | list | tojson }}
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, why: str) -> None:
    """Skip with the reason when something real is missing; under CI that is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must run this for real, but {why}")
    pytest.skip(why)
