"""The prompts as a cookiecutter user meets them: numbered menus, a bad answer asked again at
once, and answers that follow rotation and the blacklist defaulting to off when those are off."""

import io
import json
import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

from .conftest import TEMPLATE, answers_for, run
from .hooks import pre_gen
from .test_bakes import settings_of

# Replies typed at the prompts whose question contains the fragment, in order; Enter everywhere else.
REPLIES = {
    "Where the browser keeps the refresh token": ["2"],  # localStorage, picked by its number
    "Issue a new refresh token on every refresh": ["maybe", "2"],  # not a menu entry, then "no"
}
# Every prompt ends with its default in brackets, "(My API): " or "Choose from [1/2] (1): ",
# perhaps styled by terminal escape codes.
ESCAPE_CODE = r"\x1b\[[0-9;]*m"
PROMPT_END = rf"\)(?:{ESCAPE_CODE})*: "
BAD_ENTRY = "Please select one of the available options"


def cookiecutter_command(output_dir: Path, *overrides: str) -> list[str]:
    return [sys.executable, "-m", "cookiecutter", "--output-dir", str(output_dir), str(TEMPLATE), *overrides]


def wide_terminal_env(home: Path) -> dict:
    """Return an environment where each question fits on one line and no user config applies."""
    # A wide screen (rich treats TERM=dumb as 80 columns, so keep a real TERM) and a fresh HOME,
    # so no ~/.cookiecutterrc changes the defaults and no replay file lands in the real home.
    return {**os.environ, "TERM": "xterm", "NO_COLOR": "1", "COLUMNS": "250", "HOME": str(home)}


def converse(child: pexpect.spawn, replies: dict) -> None:
    """Answer every prompt until cookiecutter exits: the next reply for its question, else Enter."""
    pending = {fragment: list(answers) for fragment, answers in replies.items()}
    while child.expect([PROMPT_END, pexpect.EOF]) == 0:
        question = child.before
        fragment = next((fragment for fragment in pending if fragment in question and pending[fragment]), None)
        child.sendline(pending[fragment].pop(0) if fragment else "")


def recorded_answers(project: Path) -> dict:
    return json.loads((project / ".cookiecutter.json").read_text())["cookiecutter"]


@pytest.fixture(scope="module")
def interactive_bake(tmp_path_factory):
    """Answer the prompts in a pseudo-terminal as a user would; return (the screen's text, the project)."""
    work = tmp_path_factory.mktemp("interactive")
    # setup_environment=no on the command line makes "no" that menu's default, so Enter keeps it fast.
    command = cookiecutter_command(work / "out", "setup_environment=no")
    screen = io.StringIO()
    child = pexpect.spawn(
        command[0], command[1:], env=wide_terminal_env(work), encoding="utf-8", timeout=120, dimensions=(50, 250)
    )
    child.logfile_read = screen
    converse(child, REPLIES)
    child.close()
    text = re.sub(ESCAPE_CODE, "", screen.getvalue()).replace("\r\n", "\n")
    assert child.exitstatus == 0, text
    return text, work / "out" / "my_api"


def test_a_menu_entry_is_picked_by_its_number(interactive_bake):
    screen, project = interactive_bake

    assert "2 - localStorage (sent in the request body; page scripts can read it)" in screen
    assert recorded_answers(project)["refresh_token_storage"] == "local_storage"
    assert 'refreshStorage: "local_storage"' in (project / "client" / "src" / "config.js").read_text()


def test_a_bad_yes_no_answer_is_asked_again_at_once(interactive_bake):
    screen, _ = interactive_bake

    first_ask = re.search(r"\[(\d+)/\d+\] Issue a new refresh token on every refresh\n", screen)
    after_bad_answer = screen.split("(1): maybe\n", 1)[1]
    asked_again = re.match(
        rf"{BAD_ENTRY}\n\s*\[(\d+)/\d+\] Issue a new refresh token on every refresh\n", after_bad_answer
    )
    assert asked_again, after_bad_answer[:300]
    assert asked_again.group(1) == first_ask.group(1)


def test_after_rotation_no_the_following_prompts_default_to_no(interactive_bake):
    screen, _ = interactive_bake

    assert re.search(r"\] Blacklist each refresh token once it has been rotated \(.*\) \(no\): \n", screen)
    assert re.search(r"\] Revoke the whole session when a rotated refresh token is replayed \(.*\) \(no\): \n", screen)
    assert re.search(r"\] Seconds in which the previous refresh token may be reused.* \(0\): \n", screen)


def test_enter_after_rotation_no_gets_a_project_without_rotation(interactive_bake):
    _, project = interactive_bake
    answers = recorded_answers(project)

    jwt = settings_of(project, "[s.SIMPLE_JWT['ROTATE_REFRESH_TOKENS'], s.SIMPLE_JWT['BLACKLIST_AFTER_ROTATION']]")
    assert jwt == [False, False]
    assert (answers["reuse_detection"], answers["rotation_grace_seconds"]) == ("no", "0")


def test_generation_says_in_one_line_what_rotation_off_leaves_off(interactive_bake):
    screen, _ = interactive_bake

    assert (
        "Note: with rotation off, blacklist after rotation, reuse detection and the grace window are off too.\n"
        in screen
    )


def test_no_input_with_local_storage_and_rotation_off_bakes(tmp_path):
    # The README's example (setup_environment=no only to keep the test fast).
    overrides = ("refresh_token_storage=local_storage", "rotate_refresh_tokens=no", "setup_environment=no")
    result = run([*cookiecutter_command(tmp_path / "out", "--no-input"), *overrides], cwd=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    answers = recorded_answers(tmp_path / "out" / "my_api")
    chosen = ("refresh_token_storage", "rotate_refresh_tokens", "blacklist_after_rotation", "reuse_detection")
    assert [answers[key] for key in chosen] == ["local_storage", "no", "no", "no"]


def test_a_value_outside_a_menu_on_the_command_line_stops_before_anything_is_written(tmp_path):
    """cookiecutter refuses it itself, before any hook: a traceback whose last line names value and choices."""
    result = run([*cookiecutter_command(tmp_path / "out", "--no-input"), "signing_algorithm=HS512"], cwd=tmp_path)

    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line == (
        "ValueError: HS512 provided for choice variable signing_algorithm, but the choices are ['HS256', 'RS256']."
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"rotate_refresh_tokens": "no"},
        {"token_blacklist": "no"},
        {"rotate_refresh_tokens": "no", "token_blacklist": "no"},
    ],
    ids=["rotation-off", "blacklist-off", "both-off"],
)
def test_enter_after_switching_rotation_or_the_blacklist_off_gives_valid_answers(changes):
    answers = answers_for(changes)

    followers = (answers["blacklist_after_rotation"], answers["reuse_detection"], answers["rotation_grace_seconds"])
    assert followers == ("no", "no", "0")
    assert pre_gen.first_error(answers) is None


def test_reuse_detection_defaults_to_no_without_blacklist_after_rotation():
    answers = answers_for({"blacklist_after_rotation": "no"})

    assert answers["reuse_detection"] == "no"
    assert pre_gen.first_error(answers) is None


def test_by_default_every_rotation_feature_is_on():
    answers = answers_for({})

    keys = ("rotate_refresh_tokens", "token_blacklist", "blacklist_after_rotation", "reuse_detection")
    assert [answers[key] for key in keys] == ["yes", "yes", "yes", "yes"]


def test_every_menu_has_a_question_and_a_label_for_each_entry():
    context = json.loads((TEMPLATE / "cookiecutter.json").read_text())
    menus = {key: entries for key, entries in context.items() if isinstance(entries, list) and not key.startswith("_")}

    for key, entries in menus.items():
        labels = context["__prompts__"][key]
        assert labels["__prompt__"], key
        assert set(labels) - {"__prompt__"} == set(entries), key
