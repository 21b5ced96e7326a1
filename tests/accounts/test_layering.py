"""Accounts sits near the bottom: it uses core and audit, never an app above it."""

from __future__ import annotations

import ast
from pathlib import Path

import kindred.accounts

# The only other Kindred packages accounts may import.
ALLOWED = {"accounts", "core", "audit"}


def _kindred_packages(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
            if node.module == "kindred":
                modules = [f"kindred.{alias.name}" for alias in node.names]
        else:
            continue
        found |= {m.split(".")[1] for m in modules if m.startswith("kindred.")}
    return found


def test_the_check_sees_imports_anywhere_in_a_file():
    source = "import kindred.peers\ndef f():\n    from kindred import care\n    from kindred.guide.demo import load\n"
    assert _kindred_packages(ast.parse(source)) == {"peers", "care", "guide"}


def test_accounts_imports_no_higher_app():
    root = Path(kindred.accounts.__file__).parent
    upward = {
        (str(path.relative_to(root)), package)
        for path in sorted(root.rglob("*.py"))
        for package in _kindred_packages(ast.parse(path.read_text(), filename=str(path)))
        if package not in ALLOWED
    }
    assert upward == set()
