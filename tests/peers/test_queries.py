"""Connections as the peers pages and the API list them."""

from __future__ import annotations

import pytest

from kindred.peers import actions, queries
from tests.peers.factories import connect, connected, make_member, make_profile, make_supporter

pytestmark = pytest.mark.django_db


def test_each_side_reads_the_connection_as_theirs(member):
    supporter = make_supporter()
    conn = connected(make_profile(member).user, supporter)
    (mine,) = queries.connections_of(member)
    (theirs,) = queries.connections_of(supporter)
    assert (mine.id, mine.other, mine.direction, mine.incoming) == (
        conn.pk,
        supporter.handle,
        "sent",
        False,
    )
    assert (theirs.other, theirs.direction, theirs.incoming) == (member.handle, "received", True)
    assert mine.status == "active" and mine.status_label == "Connected"
    assert queries.connections_of(make_member()) == []


def test_the_one_who_asked_does_not_learn_of_a_decline(member):
    other = make_supporter()
    conn = connect(make_profile(member).user, other)
    actions.do_decline(other, conn)
    (asked,) = queries.connections_of(member)
    (declined,) = queries.connections_of(other)
    assert (asked.status, asked.status_label) == ("not_available", "Not available")
    assert (declined.status, declined.status_label) == ("declined", "You declined")


def test_connections_are_listed_in_three_queries(member, django_assert_num_queries):
    make_profile(member)
    for _ in range(3):
        connected(member, make_supporter())
    with django_assert_num_queries(3):
        assert len(queries.connections_of(member)) == 3
