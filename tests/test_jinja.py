"""The template's own Jinja stays readable: at most two levels deep, statements on lines of their own in Markdown."""

import fnmatch
import json
import re
from pathlib import Path

import pytest
from cookiecutter.environment import StrictEnvironment
from jinja2 import nodes

from .conftest import TEMPLATE

PROJECT_TEMPLATE = TEMPLATE / "{{cookiecutter.project_slug}}"
CONTEXT = json.loads((TEMPLATE / "cookiecutter.json").read_text())
MAX_DEPTH = 2
# Statements that open a block Jinja has to close ({% endif %}, {% endfor %}, ...).
BLOCK_NODES = (nodes.If, nodes.For, nodes.Macro, nodes.CallBlock, nodes.FilterBlock, nodes.With, nodes.Block)


def copied_without_render(relative: Path) -> bool:
    """Return whether cookiecutter copies this file as it is (it or a folder above it matches)."""
    candidates = [relative, *relative.parents[:-1]]
    return any(
        fnmatch.fnmatch(str(candidate), pattern)
        for candidate in candidates
        for pattern in CONTEXT["_copy_without_render"]
    )


def rendered_files() -> list[Path]:
    """Return every text file cookiecutter renders: the project's files and the hooks."""
    project = [
        path
        for path in sorted(PROJECT_TEMPLATE.rglob("*"))
        if path.is_file() and not copied_without_render(path.relative_to(PROJECT_TEMPLATE))
    ]
    files = project + sorted((TEMPLATE / "hooks").glob("*.py"))
    return [path for path in files if is_text(path)]


def is_text(path: Path) -> bool:
    try:
        path.read_text()
    except UnicodeDecodeError:
        return False
    return True


def nesting_depth(node: nodes.Node, level: int = 0) -> int:
    """Return how deep Jinja blocks nest under this node; an elif is a branch, not a level."""
    if isinstance(node, nodes.If):
        inside = [nesting_depth(child, level + 1) for child in [*node.body, *node.else_]]
        branches = [nesting_depth(branch, level) for branch in node.elif_]
        return max([level + 1, *inside, *branches])
    if isinstance(node, BLOCK_NODES):
        level += 1
    return max([level, *(nesting_depth(child, level) for child in node.iter_child_nodes())])


def template_depth(text: str) -> int:
    environment = StrictEnvironment(context={"cookiecutter": CONTEXT})
    return nesting_depth(environment.parse(text))


def test_nesting_depth_counts_blocks_inside_blocks_and_not_elif_branches():
    flat = "{% if a %}x{% elif b %}y{% else %}z{% endif %}"
    two = "{% if a %}{% for x in y %}{{ x }}{% endfor %}{% endif %}"
    three = "{% if a %}{% if b %}{% if c %}x{% endif %}{% endif %}{% endif %}"

    assert [template_depth(text) for text in ("plain {{ a }}", flat, two, three)] == [0, 1, 2, 3]


@pytest.mark.parametrize("path", rendered_files(), ids=lambda path: str(path.relative_to(TEMPLATE)))
def test_no_template_file_nests_jinja_deeper_than_two_levels(path):
    assert template_depth(path.read_text()) <= MAX_DEPTH


# A line that holds one Jinja statement and nothing else.
STATEMENT_LINE = re.compile(r"\{%[^%]*%\}")


@pytest.mark.parametrize(
    "path",
    [path for path in rendered_files() if path.suffix == ".md"],
    ids=lambda path: str(path.relative_to(TEMPLATE)),
)
def test_jinja_statements_in_markdown_stand_on_lines_of_their_own(path):
    """Whole paragraphs or lines per answer: no statement in the middle of a sentence or table row."""
    mid_line = [
        line for line in path.read_text().splitlines() if "{%" in line and not STATEMENT_LINE.fullmatch(line.strip())
    ]

    assert mid_line == []
