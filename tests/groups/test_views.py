"""Group pages: who may see and do what, and that bad input never gives a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.accounts.models import AgeBand
from kindred.core.roles import Role
from kindred.groups import actions
from kindred.groups.models import Group, GroupFormat, SignUp, SignUpStatus
from tests.factories import UserFactory
from tests.groups.factories import make_group, make_session


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 200),
        ("member", 200),
        ("therapist", 200),
        ("moderator", 200),
        ("facilitator", 200),
    ],
)
def test_list_and_detail_are_readable_by_everyone_for_public_adult_groups(
    client, request, who, status, group
):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    assert client.get("/groups/").status_code == status
    response = client.get(f"/groups/{group.pk}/")
    assert response.status_code == status
    assert "What is said here stays here" in response.content.decode()


def test_teen_groups_are_hidden_from_adults_and_visitors(client, facilitator, teen_space):
    teen_group = make_group(facilitator, teen_space, topic="Teen circle")
    assert "Teen circle" not in client.get("/groups/").content.decode()
    assert client.get(f"/groups/{teen_group.pk}/").status_code == 404
    client.force_login(UserFactory(roles=[Role.MEMBER]))
    assert client.get(f"/groups/{teen_group.pk}/").status_code == 404
    client.force_login(UserFactory(roles=[Role.MEMBER], age_band=AgeBand.TEEN))
    assert client.get(f"/groups/{teen_group.pk}/").status_code == 200
    assert "Teen circle" in client.get("/groups/").content.decode()


def test_missing_group_is_404(client, member):
    client.force_login(member)
    assert client.get("/groups/999999/").status_code == 404


def test_list_page_query_count_is_constant(
    client, facilitator, space, member, django_assert_max_num_queries
):
    for i in range(6):
        g = make_group(facilitator, space, topic=f"Group {i}")
        actions.do_join(member, g, make_session(g))
    client.force_login(member)
    with django_assert_max_num_queries(8):
        assert client.get("/groups/").status_code == 200


def test_join_and_leave_a_drop_in_session(client, member, group, session):
    assert client.post(f"/groups/{group.pk}/join/", {"session": session.pk}).status_code == 302
    assert not SignUp.objects.exists()  # anonymous: sent to log in
    client.force_login(member)
    response = client.post(f"/groups/{group.pk}/join/", {"session": session.pk}, follow=True)
    assert "You have a place" in response.content.decode()
    assert SignUp.objects.get(user=member).status == SignUpStatus.JOINED
    client.post(f"/groups/{group.pk}/leave/", {"session": session.pk})
    assert SignUp.objects.get(user=member).status == SignUpStatus.LEFT


def test_join_without_a_session_or_with_junk_is_a_message_not_a_500(client, member, group):
    client.force_login(member)
    for data in ({}, {"session": "abc"}, {"session": "-1"}):
        response = client.post(f"/groups/{group.pk}/join/", data, follow=True)
        assert response.status_code == 200
        assert "Choose a session" in response.content.decode()
    assert client.post(f"/groups/{group.pk}/join/", {"session": 999999}).status_code == 404


def test_a_session_of_another_group_is_404(client, member, facilitator, space, group):
    other = make_group(facilitator, space, topic="Other")
    client.force_login(member)
    assert (
        client.post(f"/groups/{group.pk}/join/", {"session": make_session(other).pk}).status_code
        == 404
    )


def test_join_is_post_only(client, member, group):
    client.force_login(member)
    assert client.get(f"/groups/{group.pk}/join/").status_code == 405


def test_full_session_puts_you_on_the_waitlist_with_your_number(client, facilitator, space, member):
    group = make_group(facilitator, space, capacity=2)
    session = make_session(group)
    for person in (UserFactory(), UserFactory()):
        actions.do_join(person, group, session)
    client.force_login(member)
    response = client.post(f"/groups/{group.pk}/join/", {"session": session.pk}, follow=True)
    assert "waitlist (number 1)" in response.content.decode()


@pytest.mark.parametrize("who", ["therapist", "moderator"])
def test_people_without_the_member_role_cannot_join(client, request, who, group, session):
    client.force_login(request.getfixturevalue(who))
    response = client.post(f"/groups/{group.pk}/join/", {"session": session.pk}, follow=True)
    assert "Groups are for members" in response.content.decode()
    assert not SignUp.objects.exists()


def test_cohort_join_from_the_page(client, member, cohort):
    client.force_login(member)
    client.post(f"/groups/{cohort.pk}/join/")
    assert SignUp.objects.get(user=member, session__isnull=True).status == SignUpStatus.JOINED
    assert "You have a place in this group" in client.get(f"/groups/{cohort.pk}/").content.decode()


def test_facilitator_sees_the_roster_members_do_not(
    client, facilitator, member, member2, group, session
):
    actions.do_join(member, group, session)
    client.force_login(facilitator)
    assert "member_maya" in client.get(f"/groups/{group.pk}/").content.decode()
    client.force_login(member2)
    assert "member_maya" not in client.get(f"/groups/{group.pk}/").content.decode()


@pytest.mark.parametrize(
    ("who", "status"), [("member", 404), ("therapist", 404), ("facilitator", 200)]
)
def test_new_group_page_is_for_facilitators(client, request, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/groups/new/").status_code == status


def test_new_group_anonymous_goes_to_login(client):
    assert client.get("/groups/new/").status_code == 302


def a_tuesday_ahead():
    day = timezone.localdate() + timedelta(days=30)
    return day + timedelta(days=(1 - day.weekday()) % 7)


def test_new_group_form_creates_and_keeps_input_on_error(client, facilitator, space):
    facilitator.timezone = "Europe/London"
    facilitator.save()
    client.force_login(facilitator)
    data = {
        "space": space.slug,
        "topic": "Tuesday evenings",
        "description": "A place to talk.",
        "format": GroupFormat.OPEN,
        "capacity": 8,
        "first_date": (a_tuesday_ahead() - timedelta(days=2)).isoformat(),
        "start_time": "19:00",
        "timezone": "Europe/London",
        "every": "1",
        "session_minutes": 90,
        "quorum": 3,
        "norms": "",
    }
    page = client.get("/groups/new/").content.decode()
    assert f'<option value="{space.slug}">' in page and "FREQ=" not in page
    assert 'name="timezone" value="Europe/London"' in page and 'list="id_timezone-zones"' in page
    response = client.post("/groups/new/", data)  # no day chosen
    assert response.status_code == 200
    assert "Choose at least one day." in response.content.decode()
    assert 'value="Tuesday evenings"' in response.content.decode()
    response = client.post("/groups/new/", {**data, "days": ["TU"], "space": "no-such-space"})
    assert "Select a valid choice" in response.content.decode()
    response = client.post("/groups/new/", {**data, "days": ["TU", "TH"]})
    group = Group.objects.get(topic="Tuesday evenings")
    assert response.status_code == 302 and response["Location"] == f"/groups/{group.pk}/"
    assert group.timezone == "Europe/London" and group.start_time.hour == 19
    assert group.recurrence == "FREQ=WEEKLY;BYDAY=TU,TH"
    assert group.first_starts_at_local.date() == a_tuesday_ahead()


def test_a_fortnightly_course_in_another_time_zone(client, facilitator, space):
    client.force_login(facilitator)
    data = {
        "space": space.slug,
        "topic": "Saturday course",
        "description": "Eight sessions.",
        "format": GroupFormat.COHORT,
        "capacity": 8,
        "days": ["SA"],
        "first_date": a_tuesday_ahead().isoformat(),
        "start_time": "10:30",
        "timezone": "America/New_York",
        "every": "2",
        "count": 8,
        "session_minutes": 75,
        "quorum": 3,
        "norms": "",
    }
    assert client.post("/groups/new/", data).status_code == 302
    group = Group.objects.get(topic="Saturday course")
    assert group.recurrence == "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA;COUNT=8"
    assert group.timezone == "America/New_York"
    assert group.first_starts_at_local.date() == a_tuesday_ahead() + timedelta(days=4)
    bad = client.post("/groups/new/", {**data, "topic": "X", "timezone": "Mars/Olympus"})
    assert bad.status_code == 200 and "is not a time zone we know" in bad.content.decode()


@pytest.mark.parametrize("when", ["9999-12-31", "1999-01-05"])
def test_a_first_session_outside_the_calendar_is_a_form_error(client, facilitator, space, when):
    client.force_login(facilitator)
    data = {
        "space": space.slug,
        "topic": "Far away",
        "description": "A place to talk.",
        "format": GroupFormat.OPEN,
        "capacity": 8,
        "first_date": when,
        "start_time": "19:00",
        "days": ["TU"],
        "timezone": "UTC",
        "every": "1",
        "session_minutes": 90,
        "quorum": 3,
        "norms": "",
    }
    response = client.post("/groups/new/", data)
    assert response.status_code == 200
    assert "Choose a date" in response.content.decode()
    assert 'value="Far away"' in response.content.decode()
    assert not Group.objects.filter(topic="Far away").exists()


def test_sessions_listed_on_the_detail_page_are_in_my_time_zone(client, member, group):
    member.timezone = "America/New_York"
    member.save()
    make_session(group, starts_in=timedelta(days=1))
    client.force_login(member)
    body = client.get(f"/groups/{group.pk}/").content.decode()
    assert "EST" in body or "EDT" in body
