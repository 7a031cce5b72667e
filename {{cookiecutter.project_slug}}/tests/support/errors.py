"""The README's table of error codes, and the check that an answer is a clean, documented refusal."""

import functools
import re

from . import PROJECT_DIR


@functools.cache
def documented_error_codes() -> dict[str, int]:
    """Return the README's table of error codes: code -> status."""
    section = (PROJECT_DIR / "README.md").read_text().split("### Error codes", 1)[1].split("\n#", 1)[0]
    return {code: int(status) for status, code in re.findall(r"^\| (\d{3}) \| `(\w+)` \|", section, re.MULTILINE)}


def assert_clean_refusal(response, statuses=range(400, 500)) -> None:
    """A 4xx with a JSON body carrying a documented code, and nothing that looks like a traceback."""
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    code = response.json().get("code")
    assert documented_error_codes().get(code) == response.status_code, f"{code!r} is not in the README's table"
    assert b"Traceback" not in response.content
