"""Group sessions as calendar events: the topic only, cancelled ones marked."""

from __future__ import annotations

from django.utils import timezone

from kindred.groups import actions
from kindred.groups.calendar import events_for, session_event


def test_a_session_event_names_the_topic_and_links_its_page(group, session):
    found = session_event(session, url="https://x.test/s")
    assert found.uid == f"group-session-{session.pk}@kindred"
    assert found.summary == f"Group: {group.topic} (Kindred)"
    assert (found.starts_at, found.ends_at) == (session.starts_at, session.ends_at)
    assert found.url == "https://x.test/s" and not found.cancelled
    assert session_event(session).url == ""


def test_the_source_keeps_a_cancelled_session_marked_cancelled(
    group, session, member, member2, facilitator
):
    actions.do_join(member, group, session)
    assert [e.uid for e in events_for(member, timezone.now())] == [
        f"group-session-{session.pk}@kindred"
    ]
    assert list(events_for(member2, timezone.now())) == []
    actions.do_cancel_session(facilitator, session, "Facilitator unwell")
    (cancelled,) = events_for(member, timezone.now())
    assert cancelled.cancelled and "unwell" not in cancelled.summary
