"""The registry other apps feed: team, timeline and service sources, and taking them away."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kindred.consent import sources
from kindred.consent.sources import TeamEntry, TimelineItem


class Person:
    def __init__(self, pk: int, handle: str) -> None:
        self.pk, self.handle = pk, handle


@pytest.mark.django_db
def test_team_entries_from_all_sources_are_merged_and_sorted(member):
    a, b = Person(1, "zed"), Person(2, "amy")
    sources.register_team_source("t1", lambda m: [TeamEntry(a, "peer_supporter", "x")])
    sources.register_team_source("t2", lambda m: [TeamEntry(b, "peer_supporter", "y")])
    try:
        mine = [e for e in sources.team_for(member) if e.person in (a, b)]
        assert [e.person.handle for e in mine] == ["amy", "zed"]
    finally:
        sources.unregister_team_source("t1")
        sources.unregister_team_source("t2")
    assert not [e for e in sources.team_for(member) if e.person in (a, b)]


def test_unregistering_an_unknown_source_is_harmless():
    sources.unregister_team_source("never")
    sources.unregister_timeline_source("never")
    sources.unregister_service_source("never")


@pytest.mark.django_db
def test_timeline_is_newest_first_and_filters_by_kind(member):
    old = TimelineItem(datetime(2030, 1, 1, tzinfo=UTC), "group", "Old group")
    new = TimelineItem(datetime(2030, 2, 1, tzinfo=UTC), "connection", "New peer")
    sources.register_timeline_source("tl", lambda m: [old, new])
    try:
        items = [i for i in sources.timeline_for(member) if i in (old, new)]
        assert items == [new, old]
        assert [i for i in sources.timeline_of_kind(member, "group") if i is old] == [old]
        assert new not in sources.timeline_of_kind(member, "group")
    finally:
        sources.unregister_timeline_source("tl")


@pytest.mark.django_db
def test_service_sources_are_unioned_per_service():
    sources.register_service_source("s1", sources.SERVICE_PEER_SUPPORT, lambda: [10**9, 10**9 + 1])
    sources.register_service_source("s2", sources.SERVICE_PEER_SUPPORT, lambda: {10**9 + 1})
    try:
        with pytest.raises(ValueError, match="unknown service"):
            sources.register_service_source("bad", "astrology", set)
        services = sources.members_by_service()
    finally:
        sources.unregister_service_source("s1")
        sources.unregister_service_source("s2")
    assert {10**9, 10**9 + 1} <= services[sources.SERVICE_PEER_SUPPORT]
    assert set(services) == set(sources.SERVICES)
