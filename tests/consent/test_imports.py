"""Consent sits below the features that use it: they import it, never care, and it
imports none of them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kindred
from tests.imports import kindred_packages

SOURCE = Path(kindred.__file__).parent
# What consent may import: the apps below it.
CONSENT_ALLOWED = {"consent", "accounts", "audit", "core"}
# Apps below care: they reach consent directly, and care only through a registry that
# lives below them (kindred.consent.sources).
BELOW_CARE = ("measures", "safety", "peers", "groups", "bookings", "plans", "consent")


def _imports_of(app: str) -> set[tuple[str, str]]:
    root = SOURCE / app
    return {
        (str(path.relative_to(SOURCE)), package)
        for path in sorted(root.rglob("*.py"))
        for package in kindred_packages(ast.parse(path.read_text(), filename=str(path)))
    }


@pytest.mark.parametrize("app", BELOW_CARE)
def test_app_imports_nothing_from_care(app):
    assert (SOURCE / app).is_dir()
    assert {path for path, package in _imports_of(app) if package == "care"} == set()


def test_consent_imports_no_higher_app():
    upward = {(path, pkg) for path, pkg in _imports_of("consent") if pkg not in CONSENT_ALLOWED}
    assert upward == set()


def test_the_apps_that_end_grants_reach_consent():
    # Not vacuous: the apps whose relationships end grants do import consent.
    for app in ("measures", "safety", "peers", "groups", "bookings"):
        assert "consent" in {package for _, package in _imports_of(app)}, app
