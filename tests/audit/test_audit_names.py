"""Every audit event name comes from an app's ``audit_names`` module, never a literal."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import kindred
from kindred.audit import audit_names

SOURCE = Path(kindred.__file__).parent


def _event_arguments():
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = getattr(node.func, "id", getattr(node.func, "attr", None))
            if called != "record_event":
                continue
            event = [k.value for k in node.keywords if k.arg == "event"]
            yield path.relative_to(SOURCE.parent), node.lineno, event[0] if event else None


def _literal_in(node: ast.AST) -> bool:
    return any(
        isinstance(part, ast.JoinedStr)
        or (isinstance(part, ast.Constant) and isinstance(part.value, str))
        for part in ast.walk(node)
    )


def test_every_record_event_call_passes_a_named_constant():
    calls = list(_event_arguments())
    assert len(calls) > 80  # the walk found the calls
    wrong = [f"{path}:{line}" for path, line, event in calls if event is None or _literal_in(event)]
    assert wrong == []


def test_a_literal_event_name_is_caught():
    call = ast.parse('record_event(actor=None, event="x.y" if a else NAME)').body[0]
    event = call.value.keywords[1].value  # type: ignore[attr-defined]
    assert _literal_in(event)
    assert not _literal_in(ast.parse("audit_names.read_of(kind)"))


def test_audit_name_values_are_unique_across_apps():
    seen: dict[str, str] = {}
    for path in sorted(SOURCE.glob("*/audit_names.py")):
        module = importlib.import_module(f"kindred.{path.parent.name}.audit_names")
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, str):
                assert (
                    seen.setdefault(value, f"{path.parent.name}.{name}")
                    == f"{path.parent.name}.{name}"
                )
    assert seen["safety.flag_raised"] == "safety.FLAG_RAISED"


def test_read_names_keep_their_stored_form():
    assert audit_names.read_of("safety.supportconversation") == "safety.supportconversation.read"
