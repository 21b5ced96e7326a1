"""Real-time events of the safety app (see :mod:`kindred.core.events`).

Flag events go to moderators' or staff's role groups and carry ids and levels only,
never what anyone wrote.
"""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict

from kindred.core.events import event_schema


@event_schema("flag.raised")
class FlagRaised(TypedDict):
    """A new flag: moderation pages announce it at once (``app.js``)."""

    type: Literal["flag.raised"]
    id: int
    level: str
    kind: str


def flag_raised(*, id: int, level: str, kind: str) -> FlagRaised:
    return {"type": "flag.raised", "id": id, "level": str(level), "kind": str(kind)}


@event_schema("flag.escalated")
class FlagEscalated(TypedDict):
    """A flag passed its deadline unacknowledged: staff are told."""

    type: Literal["flag.escalated"]
    id: int
    level: str


def flag_escalated(*, id: int, level: str) -> FlagEscalated:
    return {"type": "flag.escalated", "id": id, "level": str(level)}


@event_schema("flag.updated")
class FlagUpdated(TypedDict):
    """A flag changed (acknowledged, resolved, handed over, a report added, content hidden)."""

    type: Literal["flag.updated"]
    id: int
    status: str


def flag_updated(*, id: int, status: str) -> FlagUpdated:
    return {"type": "flag.updated", "id": id, "status": str(status)}


@event_schema("support.offered")
class SupportOffered(TypedDict):
    """What someone wrote screened as risky: their open pages may offer support."""

    type: Literal["support.offered"]
    level: str


def support_offered(*, level: str) -> SupportOffered:
    return {"type": "support.offered", "level": str(level)}
