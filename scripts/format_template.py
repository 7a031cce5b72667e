"""Format the generated project's Python with ruff, and write the result back into the template.

Ruff cannot read the template itself (`{{ cookiecutter.project_slug }}` is not Python), so
this bakes the defaults, runs `ruff check --fix` and `ruff format` there, and copies each
changed file back, turning the slug into the placeholder again. Files with Jinja blocks
are reported, not copied: fix those by hand.

    .venv/bin/python scripts/format_template.py
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parents[1]
SOURCE = TEMPLATE / "{{cookiecutter.project_slug}}"
SLUG = "format_slug"
PLACEHOLDER = "{{ cookiecutter.project_slug }}"


def template_path(baked: Path, project: Path) -> Path:
    relative = str(baked.relative_to(project)).replace(SLUG, "{{cookiecutter.project_slug}}")
    return SOURCE / relative


# Between them, these bakes hold every file the template can generate.
BAKES = [{}, {"refresh_token_storage": "local_storage", "signing_algorithm": "RS256", "database": "postgresql"}]


def main() -> int:
    for answers in BAKES:
        format_bake(answers)
    return 0


def format_bake(answers: dict) -> None:
    ruff = str(Path(sys.executable).parent / "ruff")
    context = {"project_slug": SLUG, "setup_environment": "no", **answers}
    with tempfile.TemporaryDirectory() as folder:
        project = Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=folder, extra_context=context))
        before = {path: path.read_text() for path in project.rglob("*.py")}
        subprocess.run([ruff, "check", "--fix", "--quiet", "."], cwd=project)
        subprocess.run([ruff, "format", "--quiet", "."], cwd=project)
        for path, text in before.items():
            if path.read_text() == text:
                continue
            source = template_path(path, project)
            if "{%" in source.read_text():
                print(f"by hand (has Jinja blocks): {source.relative_to(TEMPLATE)}")
                continue
            source.write_text(path.read_text().replace(SLUG, PLACEHOLDER))
            print(f"formatted: {source.relative_to(TEMPLATE)}")


if __name__ == "__main__":
    sys.exit(main())
