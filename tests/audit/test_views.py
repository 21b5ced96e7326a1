"""The staff home page: anonymous → log in, other roles → 404, staff see the latest events."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kindred.audit.actions import record_event
from kindred.audit.views import LATEST


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["member", "therapist", "moderator"], indirect=True)
def test_other_roles_get_not_found(login, persona):
    assert login(persona).get("/staff/").status_code == 404


def test_staff_see_the_latest_events_newest_first(login, staff, member):
    for n in range(LATEST + 3):
        record_event(event="test.event", actor=member, target_type="probe", target_id=str(n))
    response = login(staff).get("/staff/")
    assert response.status_code == 200
    rows = response.context["latest_events"]
    assert len(rows) == LATEST
    assert [r.seq for r in rows] == sorted((r.seq for r in rows), reverse=True)
    assert rows[0].target_id == str(LATEST + 2)


def test_the_page_costs_the_same_queries_with_more_events(login, staff, member):
    client = login(staff)
    record_event(event="test.event", actor=member, target_type="probe", target_id="0")
    client.get("/staff/")
    with CaptureQueriesContext(connection) as few:
        client.get("/staff/")
    for n in range(30):
        record_event(event="test.event", actor=member, target_type="probe", target_id=str(n))
    with CaptureQueriesContext(connection) as many:
        client.get("/staff/")
    assert len(many) == len(few)
