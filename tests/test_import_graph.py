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
from pathlib import Path

import kindred
from tests.imports import kindred_packages

ROOT = Path(kindred.__file__).parent


def _apps() -> list[str]:
    return sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file())


def import_edges() -> set[tuple[str, str]]:
    apps = set(_apps())
    edges: set[tuple[str, str]] = set()
    for app in apps:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue  # migrations name other apps' models by design
            tree = ast.parse(path.read_text(), filename=str(path))
            found = kindred_packages(tree, runtime_only=True) & apps
            edges |= {(app, other) for other in found if other != app}
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
    assert kindred_packages(ast.parse(source), runtime_only=True) == {"peers", "care", "guide"}


def test_type_only_imports_are_not_edges_but_their_else_branch_is() -> None:
    source = (
        "import typing\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from kindred.accounts.models import User\n"
        "if typing.TYPE_CHECKING:\n    import kindred.care\n"
        "else:\n    import kindred.guide\n"
        "def f():\n    if TYPE_CHECKING:\n        from kindred import rooms\n"
    )
    assert kindred_packages(ast.parse(source), runtime_only=True) == {"guide"}
    assert kindred_packages(ast.parse(source)) == {"accounts", "care", "guide", "rooms"}


def test_no_cycle_between_apps() -> None:
    found = cycle_edges(import_edges())
    assert found == set(), "these imports close a cycle between apps: use a registry"


def test_core_imports_no_app() -> None:
    # Every app builds on core; an import the other way would be a cycle waiting to happen.
    assert {b for a, b in import_edges() if a == "core"} == set()
