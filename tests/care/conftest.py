from __future__ import annotations

import pytest

from tests.care.factories import book, registered_groups, registered_team


@pytest.fixture
def team(db):
    with registered_team() as t:
        yield t


@pytest.fixture
def groups(db):
    with registered_groups() as g:
        yield g


@pytest.fixture
def care_team(team, member, peer_supporter, facilitator, therapist):
    """``member``'s team: peer_supporter (a connection), facilitator (a group) and
    therapist (an upcoming booking). member2 and therapist2 are on nobody's team."""
    team.add(member, peer_supporter, "peer_supporter")
    team.add(member, facilitator, "facilitator")
    book(member, therapist)
    return team
