"""Words the Python code shows people are marked for translation.

The template check (``test_translatable_templates``) cannot see text that views,
forms and actions hand to a page. This reads every module's syntax tree (nothing is
imported) and reports a bare string literal, or an f-string, where a person will
read it:

- a flash message: ``messages.success(request, "…")``;
- a form or model error: ``ValidationError("…")``;
- a field's ``label``, ``help_text``, ``verbose_name(_plural)``, ``empty_label``, and
  the labels of ``choices`` and of ``TextChoices`` members;
- a refusal raised by an ``actions`` module, ``raise SomethingError("…")``: views
  and the API show its text to the person who was refused.

``_("…")``, ``gettext_lazy("…")`` and friends are calls, not literals, so they pass.
Internal errors (``ValueError``, ``RuntimeError``…) and ``NotFound`` (a 404 shows
its own page) are not shown and are not checked.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kindred

ROOT = Path(kindred.__file__).parent
MODULES = sorted(
    p for p in ROOT.rglob("*.py") if "migrations" not in p.parts and "management" not in p.parts
)
FLASH = {"success", "error", "info", "warning", "debug"}
LABELS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label"}
NOT_SHOWN = {
    "ValueError",
    "TypeError",
    "KeyError",
    "RuntimeError",
    "AssertionError",
    "NotImplementedError",
    "ImproperlyConfigured",
}


def _literal(node: ast.AST | None) -> str | None:
    """The text of a bare string literal, an f-string or ``"…".format(…)``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value or None
    if isinstance(node, ast.JoinedStr):
        return ast.unparse(node)
    is_call = isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    if is_call and node.func.attr == "format":
        return _literal(node.func.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return _literal(node.left) or _literal(node.right)
    return None


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _choice_labels(node: ast.AST) -> list[str]:
    if not isinstance(node, ast.List | ast.Tuple):
        return []
    found = []
    for item in node.elts:
        if isinstance(item, ast.Tuple) and len(item.elts) == 2:
            label = _literal(item.elts[1])
            if label and any(c.isalpha() for c in label):
                found.append(label)
    return found


def _is_actions_module(path: Path) -> bool:
    return path.stem.startswith("actions") or "actions" in path.parts


def unmarked(source: str, *, actions: bool = False) -> list[str]:
    found: list[str] = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            callee = _name(node.func)
            owner = _name(node.func.value) if isinstance(node.func, ast.Attribute) else ""
            shown: list[ast.AST] = []
            if owner == "messages" and callee in FLASH:
                shown = node.args[1:2]
            elif callee == "ValidationError":
                shown = node.args[:1]
            for keyword in node.keywords:
                if keyword.arg in LABELS:
                    shown.append(keyword.value)
                elif keyword.arg == "choices":
                    found += [
                        f"{node.lineno}: choice {text!r}" for text in _choice_labels(keyword.value)
                    ]
                elif keyword.arg == "error_messages" and isinstance(keyword.value, ast.Dict):
                    shown += keyword.value.values
            for value in shown:
                if text := _literal(value):
                    found.append(f"{node.lineno}: {text!r}")
        elif isinstance(node, ast.Raise) and actions and isinstance(node.exc, ast.Call):
            error = _name(node.exc.func)
            # ValidationError is a call the first branch already reads.
            checked = error in NOT_SHOWN or error == "ValidationError"
            text = _literal(node.exc.args[0]) if node.exc.args else None
            if error.endswith("Error") and not checked and text:
                found.append(f"{node.lineno}: raise {error}({text!r})")
        elif isinstance(node, ast.ClassDef) and any(
            _name(base) in {"TextChoices", "IntegerChoices"} for base in node.bases
        ):
            for statement in node.body:
                if isinstance(statement, ast.Assign):
                    for label in _choice_labels(ast.List(elts=[statement.value])):
                        found.append(f"{statement.lineno}: {node.name} label {label!r}")
    return sorted(found, key=lambda line: int(line.split(":")[0]))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_shown_words_are_marked_for_translation(path):
    found = unmarked(path.read_text(), actions=_is_actions_module(path))
    assert not found, f"{path.relative_to(ROOT)} shows text that is not marked: {found[:8]}"


def test_the_check_sees_each_kind_and_passes_marked_text():
    source = """
class Kind(models.TextChoices):
    POST = "post", "A post"
    REPLY = "reply", _("A reply")

class F(forms.Form):
    a = forms.CharField(label="Your name", help_text=_("Shown to others"))
    b = forms.ChoiceField(choices=[("x", "Ex"), ("y", _("Why"))])
    c = forms.CharField(error_messages={"required": "Say something"})

def view(request, n):
    messages.success(request, f"Saved {n}")
    messages.info(request, _("Fine"))
    raise ValidationError("Too long")

def act():
    raise GroupError("The group is full")
    raise GroupError(_("Marked"))
    raise ValueError("internal")
"""
    assert unmarked(source, actions=True) == [
        "3: Kind label 'A post'",
        "7: 'Your name'",
        "8: choice 'Ex'",
        "9: 'Say something'",
        "12: \"f'Saved {n}'\"",
        "14: 'Too long'",
        "17: raise GroupError('The group is full')",
    ]
    assert unmarked("def act():\n    raise GroupError('Outside actions')\n") == []
