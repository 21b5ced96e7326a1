"""The apps' import graph: no new cycle between apps.

An app that imports another depends on it; two apps that reach each other through imports
cannot be understood, tested or replaced apart. Plug-in points (``core.registry``) let a
lower app call a higher one without importing it: that is the only way up. No app imports
another that imports it back, directly or through others.

The graph is of imports that run: those under ``if TYPE_CHECKING:`` only name a type for
mypy and load nothing (import-linter's ``exclude_type_checking_imports`` draws the same
line). That is how ``core`` and ``audit`` annotate a parameter with ``accounts``' ``User``
while ``accounts`` builds on both.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import kindred

ROOT = Path(kindred.__file__).parent


def _apps() -> list[str]:
    return sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file())


def _is_type_checking(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node of ``tree`` except the bodies of ``if TYPE_CHECKING:`` blocks."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _imported_apps(tree: ast.AST, apps: set[str]) -> Iterator[str]:
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
            if node.module == "kindred":
                modules = [f"kindred.{alias.name}" for alias in node.names]
        else:
            continue
        for m in modules:
            parts = m.split(".")
            if parts[0] == "kindred" and len(parts) > 1 and parts[1] in apps:
                yield parts[1]


def import_edges() -> set[tuple[str, str]]:
    apps = set(_apps())
    edges: set[tuple[str, str]] = set()
    for app in apps:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue  # migrations name other apps' models by design
            tree = ast.parse(path.read_text(), filename=str(path))
            edges |= {(app, other) for other in _imported_apps(tree, apps) if other != app}
    return edges


def cycle_edges(edges: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The edges whose two ends reach each other (Tarjan's strongly connected components)."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    component: dict[str, int] = {}

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component[w] = index[v]
                if w == v:
                    break

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return {(a, b) for a, b in edges if component[a] == component[b]}


def test_cycle_edges_finds_a_cycle_and_ignores_a_chain() -> None:
    edges = {("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e")}
    assert cycle_edges(edges) == {("a", "b"), ("b", "c"), ("c", "a")}


def test_the_import_check_sees_every_form_of_import() -> None:
    source = "import kindred.peers\ndef f():\n    from kindred import care\n    from kindred.guide.demo import load\n"
    found = set(_imported_apps(ast.parse(source), {"peers", "care", "guide", "rooms"}))
    assert found == {"peers", "care", "guide"}


def test_type_only_imports_are_not_edges_but_their_else_branch_is() -> None:
    source = (
        "import typing\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from kindred.accounts.models import User\n"
        "if typing.TYPE_CHECKING:\n    import kindred.care\n"
        "else:\n    import kindred.guide\n"
        "def f():\n    if TYPE_CHECKING:\n        from kindred import rooms\n"
    )
    found = set(_imported_apps(ast.parse(source), {"accounts", "care", "guide", "rooms"}))
    assert found == {"guide"}


def test_no_cycle_between_apps() -> None:
    found = cycle_edges(import_edges())
    assert found == set(), "these imports close a cycle between apps: use a registry"


def test_core_imports_no_app() -> None:
    # Every app builds on core; an import the other way would be a cycle waiting to happen.
    assert {b for a, b in import_edges() if a == "core"} == set()
