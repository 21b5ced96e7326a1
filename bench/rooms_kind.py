"""The room kind of the rooms benchmark: membership by handle prefix, so no query."""

from __future__ import annotations

from typing import Any

KIND = "bench.room"


def member_handle(room_object_id: int, n: int) -> str:
    return f"rb{room_object_id}-{n}"


class BenchRoomKind:
    def can_join(self, user: Any, room: Any) -> bool:
        return str(getattr(user, "handle", "")).startswith(f"rb{room.object_id}-")

    def write_refusal(self, user: Any, room: Any) -> str | None:
        return None

    def screening_area(self, room: Any) -> str:
        return "peers"

    def on_risk(self, message: Any, outcome: Any) -> None:
        return None

    def label(self, room: Any) -> str:
        return f"Benchmark room {room.object_id}"


def register() -> None:
    from kindred.rooms.kinds import register_kind

    register_kind(KIND, BenchRoomKind())
