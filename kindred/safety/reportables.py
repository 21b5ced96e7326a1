"""Content that members can report: each app registers how to find its items.

A resolver gets the reporter and the item id, and returns the author, the text
(copied into the flag, so a moderator sees what was reported even if the author
edits it) and the queue scope (e.g. ``community:grief-loss``), or raises NotFound
when the reporter may not see the item.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kindred.core.access import NotFound
from kindred.core.registry import Registry

if TYPE_CHECKING:
    from kindred.accounts.models import User

Resolver = Callable[["User", str], tuple["User", str, str]]
REPORTABLES = Registry[Resolver]("reportable content types")


def register(source_type: str, resolver: Resolver) -> None:
    REPORTABLES.register(source_type, resolver)


def resolve(source_type: str, reporter: User, source_id: str) -> tuple[User, str, str]:
    resolver = REPORTABLES.get(source_type, None)
    if resolver is None:
        raise NotFound("content")
    return resolver(reporter, source_id)
