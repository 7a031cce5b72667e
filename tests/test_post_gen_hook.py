"""The pure helpers of hooks/post_gen_project.py."""

import os
import stat

from .conftest import answers_for, default_answers
from .hooks import post_gen


def test_env_file_holds_a_fresh_secret_every_time():
    first, second = post_gen.env_file_text(default_answers()), post_gen.env_file_text(default_answers())

    secret = next(line for line in first.splitlines() if line.startswith("DJANGO_SECRET_KEY="))
    assert len(secret.split("=", 1)[1]) >= 50
    assert first != second


def test_env_file_points_postgresql_projects_at_their_database():
    text = post_gen.env_file_text({**default_answers(), "database": "postgresql", "project_slug": "shop"})

    assert "DATABASE_URL=postgres://postgres@127.0.0.1:5432/shop" in text


def test_rs256_projects_get_no_hs256_signing_key():
    text = post_gen.env_file_text({**default_answers(), "signing_algorithm": "RS256"})

    assert "JWT_SIGNING_KEY" not in text


def test_prune_table_follows_the_answers():
    cookie = post_gen.paths_to_prune(default_answers())
    local = post_gen.paths_to_prune({**default_answers(), "refresh_token_storage": "local_storage"})

    assert "my_api/authentication/cookies.py" in local
    assert "my_api/authentication/cookies.py" not in cookie
    assert "my_api/authentication/body.py" in cookie
    assert "my_api/authentication/body.py" not in local
    assert "tests/authentication/test_body_mode.py" in cookie
    assert "my_api/authentication/keys.py" in cookie


def test_each_signing_algorithm_leaves_out_the_production_tests_of_the_other():
    hs256 = post_gen.paths_to_prune(default_answers())
    rs256 = post_gen.paths_to_prune({**default_answers(), "signing_algorithm": "RS256"})

    assert "tests/core/test_production_rs256.py" in hs256
    assert "tests/core/test_production_hs256.py" not in hs256
    assert "tests/core/test_production_hs256.py" in rs256
    assert "tests/core/test_production_rs256.py" not in rs256


def test_local_storage_leaves_out_the_cookie_production_tests():
    cookie = post_gen.paths_to_prune(default_answers())
    local = post_gen.paths_to_prune({**default_answers(), "refresh_token_storage": "local_storage"})

    assert "tests/core/test_production_cookie.py" in local
    assert "tests/core/test_production_cookie.py" not in cookie


def test_prune_table_leaves_the_blacklist_module_out_without_the_blacklist():
    kept = post_gen.paths_to_prune(default_answers())
    left_out = post_gen.paths_to_prune({**default_answers(), "token_blacklist": "no"})

    assert "my_api/authentication/blacklist.py" in left_out
    assert "my_api/authentication/blacklist.py" not in kept


def test_a_cookie_mode_project_keeps_the_body_carrier_only_for_its_app_endpoints():
    without = post_gen.paths_to_prune(default_answers())
    with_app = post_gen.paths_to_prune({**default_answers(), "native_app_endpoints": "yes"})

    assert {"my_api/authentication/body.py", "my_api/authentication/app_views.py"} <= set(without)
    assert not {"my_api/authentication/body.py", "my_api/authentication/app_views.py"} & set(with_app)
    assert "tests/authentication/test_body_mode.py" in with_app


def test_native_app_endpoints_change_nothing_in_local_storage_mode_and_the_hook_says_so():
    local = {**default_answers(), "refresh_token_storage": "local_storage"}
    with_app = {**local, "native_app_endpoints": "yes"}

    assert post_gen.paths_to_prune(with_app) == post_gen.paths_to_prune(local)
    assert "adds nothing" in post_gen.app_endpoints_note(with_app)
    assert post_gen.app_endpoints_note(local) is None
    assert post_gen.app_endpoints_note({**default_answers(), "native_app_endpoints": "yes"}) is None


def test_leftover_template_syntax_is_found(tmp_path):
    (tmp_path / "clean.py").write_text("x = {'a': {'b': 1}}\n")
    (tmp_path / "django.html").write_text("{% load static %}{{ request.path }}\n")
    (tmp_path / "leftover.py").write_text("NAME = '{{ cookiecutter.project_slug }}'\n")
    (tmp_path / "leftover_block.py").write_text("{%- if cookiecutter.database == 'sqlite' %}\n")

    assert post_gen.leftover_template_syntax(tmp_path) == ["leftover.py", "leftover_block.py"]


def test_broken_python_is_found(tmp_path):
    (tmp_path / "good.py").write_text("x = 1\n")
    (tmp_path / "bad.py").write_text("x = = 1\n")

    assert post_gen.python_files_that_do_not_compile(tmp_path) == ["bad.py"]


def test_steps_follow_the_answers():
    def names(answers):
        return [description for description, _ in post_gen.steps_for({**default_answers(), **answers})]

    assert "Generating the RS256 key pair in keys/" in names({"signing_algorithm": "RS256"})
    assert "Generating the RS256 key pair in keys/" not in names({})
    assert "Checking the project and migrating the database" in names({"setup_environment": "yes"})
    assert "Checking the project and migrating the database" not in names({"setup_environment": "no"})


def test_the_templates_own_code_is_lint_clean():
    """Hooks, tests, scripts and the laboratory (bench/) of the template pass ruff (ruff.toml at the top)."""
    from .conftest import TEMPLATE, ruff, run

    check = run([ruff(), "check", "--no-cache", "hooks", "tests", "scripts", "bench"], cwd=TEMPLATE)
    formatted = run([ruff(), "format", "--check", "--no-cache", "hooks", "tests", "scripts", "bench"], cwd=TEMPLATE)

    assert check.returncode == 0, check.stdout
    assert formatted.returncode == 0, formatted.stdout


def test_a_failing_step_says_which_and_how_to_finish_and_stops_there(tmp_path, capsys, monkeypatch):
    ran = []

    def fine(answers, root):
        ran.append("fine")

    def broken(answers, root):
        raise post_gen.StepFailed("`make migrate` failed.\nTo finish by hand: createdb my_api, then make migrate")

    def later(answers, root):
        ran.append("later")

    monkeypatch.setattr(post_gen, "steps_for", lambda answers: [("Fine", fine), ("Broken", broken), ("Later", later)])
    (tmp_path / "kept.txt").write_text("generated")

    assert post_gen.run_steps(default_answers(), tmp_path) is False

    output = capsys.readouterr().out
    assert "[2/3] Broken ..." in output
    assert "FAILED after" in output
    assert "To finish by hand: createdb my_api, then make migrate" in output
    assert ran == ["fine"]
    assert (tmp_path / "kept.txt").exists()


def test_each_step_prints_its_duration(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(post_gen, "steps_for", lambda answers: [("One", lambda a, r: None), ("Two", lambda a, r: None)])

    assert post_gen.run_steps(default_answers(), tmp_path) is True

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "[1/2] One ..."
    assert lines[1].strip().startswith("done in ") and lines[1].strip().endswith("s")


def test_env_file_is_private_from_its_first_byte(tmp_path, monkeypatch):
    """No chmod after writing: between the write and a chmod, anyone on the machine could read it."""

    def refuse_chmod(*args, **kwargs):
        raise AssertionError("the secrets file was made private only after it was written")

    monkeypatch.setattr(post_gen.os, "chmod", refuse_chmod)
    monkeypatch.setattr(post_gen.Path, "chmod", refuse_chmod)
    previous = os.umask(0o022)
    try:
        post_gen.write_env_file(default_answers(), tmp_path)
    finally:
        os.umask(previous)

    assert stat.S_IMODE((tmp_path / ".env").stat().st_mode) == 0o600


def test_a_note_says_what_rotation_off_leaves_off():
    note = post_gen.features_off_note(answers_for({"rotate_refresh_tokens": "no"}))

    assert note == (
        "Note: with rotation off, blacklist after rotation, reuse detection and the grace window are off too."
    )


def test_a_note_names_both_prerequisites_when_both_are_off():
    note = post_gen.features_off_note(answers_for({"rotate_refresh_tokens": "no", "token_blacklist": "no"}))

    assert note.startswith("Note: with rotation and the blacklist off,")


def test_no_note_when_rotation_and_the_blacklist_are_on():
    assert post_gen.features_off_note(default_answers()) is None
