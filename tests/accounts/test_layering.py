"""Accounts sits near the bottom: it uses core and audit, never an app above it."""

from __future__ import annotations

import ast
from pathlib import Path

import kindred.accounts
from tests.imports import kindred_packages

# The only other Kindred packages accounts may import.
ALLOWED = {"accounts", "core", "audit"}


def test_accounts_imports_no_higher_app():
    root = Path(kindred.accounts.__file__).parent
    upward = {
        (str(path.relative_to(root)), package)
        for path in sorted(root.rglob("*.py"))
        for package in kindred_packages(ast.parse(path.read_text(), filename=str(path)))
        if package not in ALLOWED
    }
    assert upward == set()
