"""A room kind that exists only in the tests, and helpers to make rooms with members."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kindred.rooms.actions import get_or_create_room
from kindred.rooms.kinds import register_kind, unregister_kind
from kindred.rooms.models import Room

TEST_KIND = "tests.room"


@dataclass
class TestRoomKind:
    """Membership by user id per room object; everything else adjustable per test."""

    __test__ = False  # Not a pytest test class.

    members: dict[int, set[int]] = field(default_factory=dict)
    muted: set[int] = field(default_factory=set)
    area: str = "peers"
    risks: list[tuple[int, str]] = field(default_factory=list)

    def can_join(self, user: Any, room: Room) -> bool:
        return getattr(user, "pk", None) in self.members.get(room.object_id, set())

    def write_refusal(self, user: Any, room: Room) -> str | None:
        if user.pk in self.muted:
            return "The facilitator has muted you."
        return None

    def screening_area(self, room: Room) -> str:
        return self.area

    def on_risk(self, message: Any, outcome: Any) -> None:
        self.risks.append((message.seq, outcome.result.level))

    def label(self, room: Room) -> str:
        return f"Test room {room.object_id}"

    def add(self, room: Room, *users: Any) -> None:
        self.members.setdefault(room.object_id, set()).update(u.pk for u in users)

    def remove(self, room: Room, user: Any) -> None:
        self.members.get(room.object_id, set()).discard(user.pk)


def install_test_kind() -> TestRoomKind:
    kind = TestRoomKind()
    register_kind(TEST_KIND, kind)
    return kind


def uninstall_test_kind() -> None:
    unregister_kind(TEST_KIND)


_next_object_id = [1000]


def make_room(kind: TestRoomKind, *members: Any) -> Room:
    _next_object_id[0] += 1
    room = get_or_create_room(TEST_KIND, _next_object_id[0])
    kind.add(room, *members)
    return room
