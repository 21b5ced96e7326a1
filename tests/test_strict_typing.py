"""Every app's ``actions``, ``access`` and ``queries`` modules are type-checked strictly.

They hold the rules (what may be done, who may see what, which rows a page shows), so
mypy checks them with no implicit ``Any`` and no explicit one (``disallow_any_explicit``).
A new such module that is not on pyproject.toml's strict list fails here.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import kindred

ROOT = Path(kindred.__file__).parent
RULE_MODULES = ("actions", "access", "queries")


def strict_modules() -> set[str]:
    config = tomllib.loads((ROOT.parent / "pyproject.toml").read_text())
    return {
        module
        for override in config["tool"]["mypy"]["overrides"]
        if override.get("disallow_any_explicit") and override.get("disallow_untyped_defs")
        for module in override["module"]
    }


def rule_modules() -> set[str]:
    found: set[str] = set()
    for name in RULE_MODULES:
        for path in ROOT.glob(f"*/{name}.py"):
            found.add(f"kindred.{path.parent.name}.{name}")
        for path in ROOT.glob(f"*/{name}/__init__.py"):
            package = f"kindred.{path.parent.parent.name}.{name}"
            found |= {package, f"{package}.*"}
    return found


def test_every_rule_module_is_strict() -> None:
    missing = rule_modules() - strict_modules()
    assert missing == set(), "add these to the strict list in pyproject.toml"


def test_the_strict_list_names_no_module_that_is_gone() -> None:
    assert strict_modules() - rule_modules() == set()
