"""Print what a default bake holds: its files, and its lines of Python outside the tests.

Test code is any .py file under a `tests/` folder, a `conftest.py`, or a `test_*.py`;
the rest (the application package, config/, manage.py, anything else) is product code.

    .venv/bin/python scripts/measure_bake.py [answer=value ...]
"""

import sys
import tempfile
from pathlib import Path

from cookiecutter.main import cookiecutter

TEMPLATE = Path(__file__).resolve().parents[1]


def is_test_code(relative: Path) -> bool:
    return "tests" in relative.parts or relative.name == "conftest.py" or relative.name.startswith("test_")


def count_lines(path: Path) -> int:
    return len(path.read_text().splitlines())


def measure(project: Path) -> dict[str, int]:
    """Return the project's file count and its lines of product and of test Python."""
    files = [path for path in project.rglob("*") if path.is_file()]
    python = [path for path in files if path.suffix == ".py"]
    test = [path for path in python if is_test_code(path.relative_to(project))]
    return {
        "files": len(files),
        "product Python lines": sum(count_lines(path) for path in python if path not in test),
        "test Python lines": sum(count_lines(path) for path in test),
    }


def bake(folder: str, answers: dict) -> Path:
    context = {"setup_environment": "no", **answers}
    return Path(cookiecutter(str(TEMPLATE), no_input=True, extra_context=context, output_dir=folder))


def main(argv: list[str]) -> int:
    answers = dict(argument.split("=", 1) for argument in argv)
    with tempfile.TemporaryDirectory() as folder:
        numbers = measure(bake(folder, answers))
    label = " ".join(argv) or "defaults"
    print(f"A bake with {label}:")
    for name, value in numbers.items():
        print(f"  {name:22} {value:6}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
