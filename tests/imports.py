"""Which Kindred packages a module imports, read from its source (for the layering tests)."""

from __future__ import annotations

import ast
from collections.abc import Iterator


def _is_type_checking(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _nodes(tree: ast.AST, *, runtime_only: bool) -> Iterator[ast.AST]:
    """Every node of ``tree``; with ``runtime_only``, not the bodies of ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if runtime_only and isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def kindred_packages(tree: ast.AST, *, runtime_only: bool = False) -> set[str]:
    """The ``kindred.<package>`` names imported anywhere in ``tree`` (inside functions
    too). ``runtime_only`` leaves out imports that only name a type for mypy."""
    found: set[str] = set()
    for node in _nodes(tree, runtime_only=runtime_only):
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
