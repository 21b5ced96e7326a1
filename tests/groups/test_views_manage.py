"""The edit, archive and cancel pages: who may use them, and what they do."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kindred.audit.models import AuditEvent
from kindred.core.models import Notification
from kindred.core.roles import Role
from kindred.groups import actions
from kindred.groups.models import Group, GroupSession, SessionStatus, SignUp, SignUpStatus
from tests.factories import UserFactory
from tests.groups.factories import make_group, make_session


@pytest.fixture
def their_group(other_facilitator, space):
    """A group run by someone else, so the facilitator of ``group`` is a stranger to it."""
    return make_group(other_facilitator, space, topic="Theirs")


def edit_data(group, **kw):
    return {
        "topic": group.topic,
        "description": group.description,
        "norms": group.norms,
        "capacity": group.capacity,
        "session_minutes": group.session_minutes,
        **kw,
    }


def endpoints(group, session):
    """(method, url, data) for every management endpoint."""
    return [
        ("get", f"/groups/{group.pk}/edit/", {}),
        ("post", f"/groups/{group.pk}/edit/", edit_data(group, capacity=9)),
        ("post", f"/groups/{group.pk}/archive/", {"confirm": "on"}),
        ("get", f"/groups/sessions/{session.pk}/cancel/", {}),
        ("post", f"/groups/sessions/{session.pk}/cancel/", {"reason": "Unwell"}),
    ]


def nothing_changed(group, session):
    group.refresh_from_db()
    session.refresh_from_db()
    return (
        group.is_active
        and group.capacity == 8
        and session.status == SessionStatus.SCHEDULED
        and not AuditEvent.objects.filter(event__startswith="groups.group_u").exists()
    )


@pytest.mark.parametrize("index", range(5))
def test_anonymous_goes_to_login(client, group, session, index):
    method, url, data = endpoints(group, session)[index]
    response = getattr(client, method)(url, data)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert nothing_changed(group, session)


@pytest.mark.parametrize("index", range(5))
@pytest.mark.parametrize("who", ["member", "other_facilitator", "moderator", "therapist"])
def test_anyone_but_its_facilitators_and_staff_gets_404(
    client, request, group, session, member, index, who
):
    actions.do_join(member, group, session)
    client.force_login(request.getfixturevalue(who))
    method, url, data = endpoints(group, session)[index]
    assert getattr(client, method)(url, data).status_code == 404
    assert nothing_changed(group, session)


@pytest.mark.parametrize("who", ["facilitator", "staff"])
def test_the_facilitator_and_staff_can_edit(client, request, group, session, who):
    client.force_login(request.getfixturevalue(who))
    page = client.get(f"/groups/{group.pk}/edit/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'value="Living with anxiety"' in body and "nobody loses their place" in body
    assert '<label for="id_capacity"' in body and "csrfmiddlewaretoken" in body
    response = client.post(
        f"/groups/{group.pk}/edit/", edit_data(group, topic="Anxiety, together", capacity=9)
    )
    assert response.status_code == 302 and response["Location"] == f"/groups/{group.pk}/"
    group.refresh_from_db()
    assert group.topic == "Anxiety, together" and group.capacity == 9
    event = AuditEvent.objects.get(event="groups.group_updated")
    assert event.actor_id == request.getfixturevalue(who).pk


def test_a_facilitator_cannot_edit_another_facilitators_group(client, facilitator, their_group):
    client.force_login(facilitator)
    assert client.get(f"/groups/{their_group.pk}/edit/").status_code == 404
    response = client.post(f"/groups/{their_group.pk}/edit/", edit_data(their_group, capacity=3))
    assert response.status_code == 404
    their_group.refresh_from_db()
    assert their_group.capacity == 8


def test_bad_edit_input_shows_errors_and_keeps_what_was_typed(client, facilitator, group):
    client.force_login(facilitator)
    response = client.post(
        f"/groups/{group.pk}/edit/",
        edit_data(group, topic="My new topic", description="Kept text", capacity=99),
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'value="My new topic"' in body and "Kept text" in body
    assert "less than or equal to 50" in body
    response = client.post(f"/groups/{group.pk}/edit/", edit_data(group, capacity="many"))
    assert response.status_code == 422 and "Enter a whole number" in response.content.decode()
    group.refresh_from_db()
    assert group.topic == "Living with anxiety" and group.capacity == 8


def test_raising_capacity_from_the_page_promotes_and_says_so(client, facilitator, space):
    group = make_group(facilitator, space, capacity=2)
    session = make_session(group)
    people = [UserFactory(roles=[Role.MEMBER]) for _ in range(3)]
    for person in people:
        actions.do_join(person, group, session)
    client.force_login(facilitator)
    response = client.post(f"/groups/{group.pk}/edit/", edit_data(group, capacity=3), follow=True)
    assert "1 person moved up from the waitlist" in response.content.decode()
    assert SignUp.objects.get(user=people[2]).status == SignUpStatus.JOINED


def test_edit_and_archive_are_post_only_for_changes(client, facilitator, group):
    client.force_login(facilitator)
    assert client.get(f"/groups/{group.pk}/archive/").status_code == 405
    assert client.put(f"/groups/{group.pk}/edit/").status_code == 405


def test_the_edit_page_query_count_is_constant(
    client, facilitator, space, django_assert_max_num_queries
):
    group = make_group(facilitator, space, capacity=2)
    client.force_login(facilitator)
    client.get(f"/groups/{group.pk}/edit/")  # warm the session and role caches
    with django_assert_max_num_queries(6) as small:
        assert client.get(f"/groups/{group.pk}/edit/").status_code == 200
    for i in range(6):
        session = make_session(group, starts_in=timedelta(hours=i + 1))
        for _ in range(3):
            actions.do_join(UserFactory(roles=[Role.MEMBER]), group, session)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"/groups/{group.pk}/edit/").status_code == 200


def test_the_detail_page_links_to_the_edit_page_for_facilitators_only(
    client, facilitator, member, staff, group
):
    client.force_login(facilitator)
    assert f'href="/groups/{group.pk}/edit/"' in client.get(f"/groups/{group.pk}/").content.decode()
    client.force_login(staff)
    assert f'href="/groups/{group.pk}/edit/"' in client.get(f"/groups/{group.pk}/").content.decode()
    client.force_login(member)
    assert f"/groups/{group.pk}/edit/" not in client.get(f"/groups/{group.pk}/").content.decode()


# --- Archive ------------------------------------------------------------------------------


def test_archive_needs_the_confirmation(client, facilitator, group):
    client.force_login(facilitator)
    response = client.post(f"/groups/{group.pk}/archive/", {})
    assert response.status_code == 422
    assert "This field is required" in response.content.decode()
    group.refresh_from_db()
    assert group.is_active


@pytest.mark.parametrize("who", ["facilitator", "staff"])
def test_archive_from_the_edit_page(client, request, who, group, session, member, member2):
    actions.do_join(member, group, session)
    client.force_login(request.getfixturevalue(who))
    edit_page = client.get(f"/groups/{group.pk}/edit/").content.decode()
    assert f'action="/groups/{group.pk}/archive/"' in edit_page
    response = client.post(f"/groups/{group.pk}/archive/", {"confirm": "on"}, follow=True)
    assert response.status_code == 200 and "The group is archived" in response.content.decode()
    group.refresh_from_db()
    session.refresh_from_db()
    assert not group.is_active and session.status == SessionStatus.CANCELLED
    assert AuditEvent.objects.filter(event="groups.group_archived").exists()
    assert Notification.objects.filter(recipient=member, kind="groups.group_archived").count() == 1
    # Gone from the list for members; the page still answers for those signed up.
    client.force_login(member)
    assert "Living with anxiety" not in client.get("/groups/").content.decode()
    body = client.get(f"/groups/{group.pk}/").content.decode()
    assert 'id="archived-notice"' in body and "Cancelled: The group is no longer meeting" in body
    assert "Sign up" not in body and "Join the waitlist" not in body
    response = client.post(f"/groups/{group.pk}/join/", {"session": session.pk}, follow=True)
    assert "not meeting any more" in response.content.decode()
    # Someone who was never signed up no longer finds it.
    client.force_login(member2)
    assert client.get(f"/groups/{group.pk}/").status_code == 404
    # Its facilitator still does, with the notice and no edit link.
    client.force_login(group.facilitators.get())
    body = client.get(f"/groups/{group.pk}/").content.decode()
    assert 'id="archived-notice"' in body and f"/groups/{group.pk}/edit/" not in body


def test_a_new_cohort_sign_up_is_refused_after_archiving(client, facilitator, cohort, member):
    actions.do_archive_group(facilitator, cohort)
    client.force_login(member)
    assert client.get(f"/groups/{cohort.pk}/").status_code == 404
    assert client.post(f"/groups/{cohort.pk}/join/").status_code == 404
    assert not SignUp.objects.filter(user=member).exists()


# --- Cancel one session ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["facilitator", "staff"])
def test_cancel_a_session_from_its_page(client, request, who, group, session, member, member2):
    actions.do_join(member, group, session)
    actions.do_join(member2, group, session)
    user = request.getfixturevalue(who)
    client.force_login(user)
    page = client.get(f"/groups/sessions/{session.pk}/").content.decode()
    assert 'id="cancel-session"' in page and 'name="reason"' in page
    response = client.post(
        f"/groups/sessions/{session.pk}/cancel/", {"reason": "Facilitator unwell"}, follow=True
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Cancelled: Facilitator unwell" in body and 'id="cancel-session"' not in body
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert Notification.objects.filter(kind="groups.session_cancelled").count() == 2
    event = AuditEvent.objects.get(event="groups.session_cancelled")
    assert event.actor_id == user.pk
    # Twice: nothing new.
    response = client.post(
        f"/groups/sessions/{session.pk}/cancel/", {"reason": "Again"}, follow=True
    )
    assert "already cancelled" in response.content.decode()
    assert Notification.objects.filter(kind="groups.session_cancelled").count() == 2


def test_a_facilitator_of_another_group_cannot_cancel(
    client, facilitator, their_group, other_facilitator
):
    theirs = make_session(their_group)
    client.force_login(facilitator)
    response = client.post(f"/groups/sessions/{theirs.pk}/cancel/", {"reason": "x"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == SessionStatus.SCHEDULED


def test_cancel_needs_a_reason_and_keeps_what_was_typed(client, facilitator, session):
    client.force_login(facilitator)
    response = client.post(f"/groups/sessions/{session.pk}/cancel/", {"reason": ""})
    assert response.status_code == 422 and "This field is required" in response.content.decode()
    long_reason = "because " * 30
    response = client.post(f"/groups/sessions/{session.pk}/cancel/", {"reason": long_reason})
    assert response.status_code == 422
    assert "at most 200 characters" in response.content.decode()
    assert long_reason.strip() in response.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


def test_an_ended_session_cannot_be_cancelled_from_the_page(client, facilitator, group):
    past = make_session(group, starts_in=timedelta(hours=-3))
    client.force_login(facilitator)
    assert 'id="cancel-session"' not in client.get(f"/groups/sessions/{past.pk}/").content.decode()
    response = client.post(f"/groups/sessions/{past.pk}/cancel/", {"reason": "Too late"})
    assert response.status_code == 422 and "can&#x27;t be cancelled" in response.content.decode()
    assert GroupSession.objects.get(pk=past.pk).status == SessionStatus.SCHEDULED


def test_groups_listing_still_shows_active_groups_after_another_is_archived(
    client, facilitator, space, member
):
    keep = make_group(facilitator, space, topic="Still meeting")
    gone = make_group(facilitator, space, topic="Wound up")
    actions.do_archive_group(facilitator, gone)
    client.force_login(member)
    body = client.get("/groups/").content.decode()
    assert keep.topic in body and gone.topic not in body
    assert Group.objects.filter(is_active=False).count() == 1
