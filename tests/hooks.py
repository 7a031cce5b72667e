"""Import the hook scripts as modules, so their pure helpers can be tested directly."""

import importlib.util
from pathlib import Path

HOOKS = Path(__file__).resolve().parents[1] / "hooks"


def load_hook(name: str):
    spec = importlib.util.spec_from_file_location(name, HOOKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pre_gen = load_hook("pre_gen_project")
post_gen = load_hook("post_gen_project")
