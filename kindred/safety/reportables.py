"""Content that members can report: each app registers how to find its items.

A resolver gets the reporter and the item id, and returns the author, the text
(copied into the flag, so a moderator sees what was reported even if the author
edits it) and the queue scope (e.g. ``community:grief-loss``), or raises NotFound
when the reporter may not see the item.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kindred.core.access import NotFound

Resolver = Callable[[Any, str], tuple[Any, str, str]]
_RESOLVERS: dict[str, Resolver] = {}


def register(source_type: str, resolver: Resolver) -> None:
    _RESOLVERS[source_type] = resolver


def resolve(source_type: str, reporter: Any, source_id: str) -> tuple[Any, str, str]:
    resolver = _RESOLVERS.get(source_type)
    if resolver is None:
        raise NotFound("content")
    return resolver(reporter, source_id)
