"""Real-time events of peer connections (see :mod:`kindred.core.events`)."""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict

from kindred.core.events import event_schema


@event_schema("connection.updated")
class ConnectionUpdated(TypedDict):
    """A connection was accepted (``active``) or ended, told to both people."""

    type: Literal["connection.updated"]
    id: int
    status: str


def connection_updated(*, id: int, status: str) -> ConnectionUpdated:
    return {"type": "connection.updated", "id": id, "status": str(status)}
