"""The writer's crisis support in a room stays until they hide it, and only they can."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.rooms import actions
from kindred.rooms.models import Room, RoomSupport
from tests.rooms.factories import make_room

HIGH_RISK = "I want to kill myself tonight, I have the pills ready"


@pytest.fixture
def pushed(monkeypatch):
    """Events as they leave for the channel layer (after commit)."""
    events: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        "kindred.core.events.send_event_now", lambda group, event: events.append((group, event))
    )
    return events


@pytest.fixture
def room(room_kind, member, member2):
    return make_room(room_kind, member, member2)


@pytest.fixture
def room_page(settings):
    """The test-only page that shows one room (``tests.testapp``)."""
    settings.ROOT_URLCONF = "tests.testapp.urls"
    return lambda room: reverse("test_room_page", args=[room.pk])


def panels(body, room):
    """How many support panels the page holds (the <template> copy counts as one)."""
    return body.count(f'id="room-support-{room.pk}"')


def dismiss_url(room):
    return reverse("rooms_dismiss_support", args=[room.pk])


# --- Actions -------------------------------------------------------------------------


def test_a_risky_message_keeps_support_for_its_writer(room, member, member2):
    actions.do_post_message(room, member2, "How was everyone's week?")
    assert not RoomSupport.objects.exists()
    actions.do_post_message(room, member, HIGH_RISK)
    support = RoomSupport.objects.get()
    assert (support.room, support.user, support.level) == (room, member, "high")
    assert support.dismissed_at is None


def test_dismissing_hides_only_the_callers_own_support(
    room, member, member2, pushed, django_capture_on_commit_callbacks
):
    actions.do_post_message(room, member, HIGH_RISK)
    actions.do_post_message(room, member2, HIGH_RISK)
    pushed.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.do_dismiss_support(member, room) is True
    mine, theirs = (RoomSupport.objects.get(user=u) for u in (member, member2))
    assert mine.dismissed_at is not None and theirs.dismissed_at is None
    # The writer's other open pages of the room hide it too; nobody else is told.
    assert pushed == [(f"rooms.{room.pk}.user.{member.pk}", {"type": "support_dismissed"})]
    event = AuditEvent.objects.get(event="rooms.support_dismissed")
    assert (event.actor_id, event.target_id) == (member.pk, str(room.pk))


def test_dismissing_twice_or_without_support_changes_nothing(room, member):
    assert actions.do_dismiss_support(member, room) is False
    actions.do_post_message(room, member, HIGH_RISK)
    assert actions.do_dismiss_support(member, room) is True
    assert actions.do_dismiss_support(member, room) is False
    assert AuditEvent.objects.filter(event="rooms.support_dismissed").count() == 1


def test_a_new_risky_message_shows_hidden_support_again(room, member):
    actions.do_post_message(room, member, HIGH_RISK)
    actions.do_dismiss_support(member, room)
    actions.do_post_message(
        room, member, "Still thinking about it. I have the pills ready tonight."
    )
    assert RoomSupport.objects.get(user=member).dismissed_at is None


def test_the_live_support_event_carries_tel_and_sms_links(
    room, member, pushed, django_capture_on_commit_callbacks
):
    member.country = "US"
    member.save(update_fields=["country"])
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_post_message(room, member, HIGH_RISK)
    [support] = [e for g, e in pushed if e.get("type") == "support"]
    lines = {line["name"]: line for line in support["country"]["lines"]}
    assert lines["Crisis Text Line"]["sms_uri"] == "sms:741741?&body=HOME"
    assert lines["988 Suicide & Crisis Lifeline"]["phone_uri"] == "tel:988"
    assert support["country"]["emergency"] == [{"label": "911", "uri": "tel:911"}]


def test_retention_removes_support_with_the_messages(room_kind, room, member, settings):
    settings.ROOM_RETENTION_DAYS = 30
    kept = make_room(room_kind, member)
    actions.do_post_message(room, member, HIGH_RISK)
    actions.do_post_message(kept, member, HIGH_RISK)
    actions.do_close_room(room)
    Room.objects.filter(pk=room.pk).update(closed_at=timezone.now() - timedelta(days=31))
    actions.purge_expired_messages()
    assert list(RoomSupport.objects.values_list("room_id", flat=True)) == [kept.pk]


# --- The room page -------------------------------------------------------------------


def test_the_room_page_shows_open_support_until_it_is_hidden(client, room, member, room_page):
    client.force_login(member)
    body = client.get(room_page(room)).content.decode()
    # No support yet: only the copy kept for the live event, inside a <template>.
    assert panels(body, room) == 1 and "<template data-room-support-template>" in body
    actions.do_post_message(room, member, HIGH_RISK)
    body = client.get(room_page(room)).content.decode()
    assert panels(body, room) == 2
    shown = body[body.index("data-room-support>") : body.index("<template data-room-support")]
    assert f'id="room-support-{room.pk}"' in shown
    assert f'action="{dismiss_url(room)}"' in shown and "csrfmiddlewaretoken" in shown
    # The writer's country (the test default, GB): tel: to call, sms: to text.
    assert 'href="tel:116123"' in shown and 'href="sms:85258?&amp;body=SHOUT"' in shown
    assert 'href="tel:999"' in shown
    actions.do_dismiss_support(member, room)
    body = client.get(room_page(room)).content.decode()
    assert panels(body, room) == 1


def test_the_room_page_never_shows_someone_elses_support(client, room, member, member2, room_page):
    actions.do_post_message(room, member, HIGH_RISK)
    client.force_login(member2)
    body = client.get(room_page(room)).content.decode()
    assert panels(body, room) == 1  # the unused template copy only


def test_the_room_page_panel_follows_the_country_other_pages_pick(client, room, member, room_page):
    member.country = "IE"
    member.save(update_fields=["country"])
    actions.do_post_message(room, member, HIGH_RISK)
    client.force_login(member)
    body = client.get(room_page(room)).content.decode()
    assert 'href="tel:112"' in body and 'href="sms:50808?&amp;body=HELLO"' in body


def test_the_panel_costs_three_queries_for_both_copies(
    client, room, member, room_page, django_assert_max_num_queries
):
    actions.do_post_message(room, member, HIGH_RISK)
    client.force_login(member)
    client.get(room_page(room))
    # The page alone is five; the panel adds countries, their lines (prefetched once for
    # the shown panel and the <template> copy alike) and the support row.
    with django_assert_max_num_queries(8):
        body = client.get(room_page(room)).content.decode()
    assert panels(body, room) == 2


# --- Dismissing: who may ---------------------------------------------------------------


@pytest.fixture
def shown(room, member):
    actions.do_post_message(room, member, HIGH_RISK)
    return RoomSupport.objects.get(user=member)


def test_anonymous_visitors_are_sent_to_log_in(client, room, shown):
    response = client.post(dismiss_url(room), {"next": "/"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    shown.refresh_from_db()
    assert shown.dismissed_at is None


@pytest.mark.parametrize("persona", ["outsider", "moderator", "staff", "therapist"], indirect=True)
def test_people_outside_the_room_get_the_same_404_as_for_no_room(login, persona, room, shown):
    client = login(persona)
    assert client.post(dismiss_url(room)).status_code == 404
    assert client.post(reverse("rooms_dismiss_support", args=[987654])).status_code == 404
    shown.refresh_from_db()
    assert shown.dismissed_at is None


def test_another_member_of_the_room_cannot_hide_the_writers_support(login, member2, room, shown):
    response = login(member2).post(dismiss_url(room), {"next": "/somewhere/"})
    assert response.status_code == 302
    shown.refresh_from_db()
    assert shown.dismissed_at is None


def test_the_writer_hides_it_with_a_plain_form_and_returns_to_the_page(login, member, room, shown):
    response = login(member).post(dismiss_url(room), {"next": "/groups/sessions/4/"})
    assert response.status_code == 302 and response["Location"] == "/groups/sessions/4/"
    shown.refresh_from_db()
    assert shown.dismissed_at is not None


def test_room_js_gets_json_back(login, member, room, shown):
    response = login(member).post(dismiss_url(room), HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json() == {"dismissed": True}
    shown.refresh_from_db()
    assert shown.dismissed_at is not None


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", ""])
def test_it_never_redirects_off_the_site(login, member, room, shown, target):
    response = login(member).post(dismiss_url(room), {"next": target})
    assert response.status_code == 302 and response["Location"] == "/"


def test_it_needs_post_and_a_csrf_token(member, room, shown):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.get(dismiss_url(room)).status_code == 405
    assert client.post(dismiss_url(room)).status_code == 403
    shown.refresh_from_db()
    assert shown.dismissed_at is None
