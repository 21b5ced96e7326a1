"""access_room: the kind decides; missing, unknown-kind and forbidden rooms look the same."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from kindred.core.access import NotFound
from kindred.rooms.access import access_room
from kindred.rooms.models import Room
from tests.rooms.factories import make_room


@pytest.fixture
def room(room_kind, member, member2):
    return make_room(room_kind, member, member2)


def test_a_member_of_the_room_gets_it(room, member, member2):
    assert access_room(member, room.pk) == room
    assert access_room(member2, room.pk) == room


@pytest.mark.parametrize(
    "persona",
    ["anonymous", "peer_supporter", "facilitator", "therapist", "moderator", "staff"],
    indirect=True,
)
def test_everyone_else_gets_the_same_not_found(room, persona):
    with pytest.raises(NotFound) as error:
        access_room(persona if persona is not None else AnonymousUser(), room.pk)
    assert str(error.value) == "No such room."


def test_a_missing_room_and_an_unregistered_kind_look_the_same(room, member):
    with pytest.raises(NotFound, match=r"No such room\."):
        access_room(member, room.pk + 1000)
    orphan = Room.objects.create(kind="nobody.registered", object_id=1)
    with pytest.raises(NotFound, match=r"No such room\."):
        access_room(member, orphan.pk)
    with pytest.raises(NotFound, match=r"No such room\."):
        access_room(None, room.pk)


def test_removing_someone_from_the_kind_takes_effect_at_once(room_kind, room, member2):
    room_kind.remove(room, member2)
    with pytest.raises(NotFound):
        access_room(member2, room.pk)
