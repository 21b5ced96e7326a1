"""The apps' import graph: no new cycle between apps.

An app that imports another depends on it; two apps that reach each other through imports
cannot be understood, tested or replaced apart. Plug-in points (``core.registry``) let a
lower app call a higher one without importing it. The edges listed in ``KNOWN_CYCLE_EDGES``
are today's cycles, written down so they can only shrink: a new edge inside a cycle fails
here, and so does a listed edge that has gone (delete it from the list).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import kindred

ROOT = Path(kindred.__file__).parent

# (importer, imported): edges that close a cycle today. Shrink this list; never grow it.
KNOWN_CYCLE_EDGES = {
    ("accounts", "audit"),
    ("accounts", "core"),
    ("audit", "accounts"),
    ("audit", "core"),
    ("core", "accounts"),
    ("core", "audit"),
    ("bookings", "therapy"),
    ("measures", "bookings"),
    ("measures", "safety"),
    ("messaging", "bookings"),
    ("messaging", "safety"),
    ("plans", "bookings"),
    ("plans", "measures"),
    ("safety", "bookings"),
    ("safety", "messaging"),
    ("therapy", "bookings"),
    ("therapy", "plans"),
}


def _apps() -> list[str]:
    return sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file())


def _imported_apps(tree: ast.AST, apps: set[str]) -> Iterator[str]:
    for node in ast.walk(tree):
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


def test_no_new_cycle_between_apps() -> None:
    found = cycle_edges(import_edges())
    assert found - KNOWN_CYCLE_EDGES == set(), "a new import closes a cycle between apps"
    assert KNOWN_CYCLE_EDGES - found == set(), "a known cycle edge is gone: remove it from the list"
