"""Today (the signed-in home), the mood check-in and the welcome steps: who sees what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from kindred.accounts.age import today_for
from kindred.audit.models import AuditEvent
from kindred.core.models import Notification
from kindred.core.notifications import do_notify
from kindred.groups.actions import do_join
from kindred.guide.models import SavedGuide
from kindred.measures.actions import do_assign_measure
from kindred.messaging.actions import do_send_message, do_start_conversation
from kindred.peers.models import Connection
from kindred.today.actions import do_record_mood
from kindred.today.models import MoodCheckIn, Onboarding
from kindred.today.signals import SESSION_KEY
from tests.factories import UserFactory
from tests.groups.factories import make_group, make_session

pytestmark = pytest.mark.django_db


def rich_history(member, therapist, facilitator, space, book, *, scale):
    """``scale`` of everything a member can have waiting."""
    for n in range(scale):
        book(member, therapist, starts_in=timedelta(days=n + 1))
    group = make_group(facilitator, space)
    for n in range(scale):
        session = make_session(group, starts_in=timedelta(hours=n + 1))
        do_join(member, group, session)
    do_assign_measure(therapist, member.pk, "phq9", every_days=7)
    do_assign_measure(therapist, member.pk, "gad7", before_sessions=True)
    conversation = do_start_conversation(member, therapist)
    for n in range(scale):
        do_send_message(therapist, conversation, f"Message {n}")
        do_notify([member], kind="community.reply", title=f"Reply {n}", url="/spaces/")
        peer = UserFactory()
        Connection.objects.create(requester=peer, recipient=member)
        SavedGuide.objects.create(owner=member, answers={}, outcome={}, content_version="1")
    today = today_for(member)
    for n in range(7):
        do_record_mood(member, 1 + n % 5, today - timedelta(days=n))


@pytest.mark.parametrize("scale", [1, 6])
def test_today_costs_the_same_whatever_the_history(
    scale, client, member, therapist, facilitator, space, book, django_assert_max_num_queries
):
    rich_history(member, therapist, facilitator, space, book, scale=scale)
    client.force_login(member)
    with django_assert_max_num_queries(12):
        response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Therapy with dr_ellis" in body
    assert "Living with anxiety" in body
    assert "PHQ-9" in body
    assert f"{scale} unread message" in body
    assert f"{scale} connection request" in body
    assert "See my next steps" in body
    assert 'class="mood-day mood-1"' in body


def test_today_invites_the_next_step_when_nothing_is_waiting(client, member):
    client.force_login(member)
    body = client.get("/").content.decode()
    assert "Nothing booked yet." in body
    assert "Start the decision guide" in body
    assert "Nothing due." in body
    assert "All quiet." in body


def test_a_visitor_sees_what_kindred_is(client):
    body = client.get("/").content.decode()
    assert "Join Kindred" in body
    assert "How are you feeling?" not in body


def test_a_therapist_sees_their_sessions_and_no_mood_check_in(client, member, therapist, book):
    book(member, therapist)
    client.force_login(therapist)
    body = client.get("/").content.decode()
    assert "Session with member_maya" in body
    assert "How are you feeling?" not in body
    assert "decision guide" not in body


def test_a_moderator_sees_the_open_flags(client, moderator):
    client.force_login(moderator)
    body = client.get("/").content.decode()
    assert "open flags in the queue" in body
    assert "How are you feeling?" not in body


def test_today_shows_only_my_own_items(client, member, member2, therapist, book):
    book(member2, therapist)
    do_notify([member2], kind="community.reply", title="Only for Sam", url="/")
    do_record_mood(member2, 1, today_for(member2))
    client.force_login(member)
    body = client.get("/").content.decode()
    assert "Only for Sam" not in body
    assert "Therapy with" not in body
    assert 'class="mood-day mood-1"' not in body


# --- Mood --------------------------------------------------------------------------


def test_mood_needs_sign_in(client):
    response = client.post(reverse("today_mood"), {"score": "3"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not MoodCheckIn.objects.exists()


def test_mood_is_for_members_only(client, therapist):
    client.force_login(therapist)
    assert client.post(reverse("today_mood"), {"score": "3"}).status_code == 403
    assert not MoodCheckIn.objects.exists()


def test_a_member_checks_in_once_a_day_and_the_score_is_encrypted(client, member):
    from django.db import connection

    client.force_login(member)
    assert client.post(reverse("today_mood"), {"score": "2"}).status_code == 302
    assert client.post(reverse("today_mood"), {"score": "4"}).status_code == 302
    entry = MoodCheckIn.objects.get(owner=member)
    assert entry.score == "4" and entry.day == today_for(member)
    with connection.cursor() as cursor:
        cursor.execute("SELECT score FROM today_moodcheckin")
        (stored,) = cursor.fetchone()
    assert stored != "4"
    audit = AuditEvent.objects.filter(event="today.mood_recorded")
    assert audit.count() == 2
    # The day only: never the score (a "4" could be in the date itself).
    assert audit.last().changes == {"day": entry.day.isoformat()}


@pytest.mark.parametrize("bad", ["", "0", "6", "x", "3.5"])
def test_a_bad_mood_is_refused_with_a_message(client, member, bad):
    client.force_login(member)
    response = client.post(reverse("today_mood"), {"score": bad}, follow=True)
    assert response.status_code == 200
    assert "Choose how you feel" in response.content.decode() or "Select a valid choice" in (
        response.content.decode()
    )
    assert not MoodCheckIn.objects.exists()


def test_mood_refuses_get(client, member):
    client.force_login(member)
    assert client.get(reverse("today_mood")).status_code == 405


# --- Welcome -----------------------------------------------------------------------


def test_sign_up_starts_onboarding_and_home_leads_there_once(client, member):
    from allauth.account.signals import user_signed_up

    user_signed_up.send(sender=type(member), request=None, user=member)
    assert Onboarding.objects.get(user=member).finished_at is None
    client.force_login(member)
    assert client.get("/")["Location"] == reverse("today_welcome")
    response = client.post(reverse("today_welcome"), {"skip": "1"})
    assert response["Location"] == reverse("home")
    assert Onboarding.objects.get(user=member).finished_at is not None
    assert client.get("/").status_code == 200
    # Signing in again does not bring it back.
    client.logout()
    client.force_login(member)
    assert client.get("/").status_code == 200


def test_welcome_needs_sign_in(client):
    response = client.get(reverse("today_welcome"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_welcome_is_for_members_only(client, therapist):
    client.force_login(therapist)
    assert client.get(reverse("today_welcome")).status_code == 403


@pytest.mark.parametrize(
    ("reason", "where"),
    [
        ("talk", "peers_home"),
        ("group", "groups_list"),
        ("therapy", "therapy_directory"),
        ("unsure", "guide"),
    ],
)
def test_welcome_saves_country_and_time_zone_and_leads_on(client, member, reason, where):
    client.force_login(member)
    client.session[SESSION_KEY] = True
    response = client.post(
        reverse("today_welcome"),
        {"reason": reason, "country": "US", "timezone": "America/Chicago"},
    )
    assert response.status_code == 302 and response["Location"] == reverse(where)
    member.refresh_from_db()
    assert (member.country, member.timezone) == ("US", "America/Chicago")
    assert Onboarding.objects.get(user=member).reason == reason


def test_crisis_lines_follow_the_country_chosen_at_welcome(client, member):
    client.force_login(member)
    client.post(reverse("today_welcome"), {"reason": "talk", "country": "US", "timezone": "UTC"})
    body = client.get(reverse("get_help")).content.decode()
    assert "988" in body


@pytest.mark.parametrize(
    "bad",
    [{"reason": "money"}, {"country": "ZZ"}, {"timezone": "Mars/Olympus"}],
)
def test_welcome_refuses_bad_input_with_422(client, member, bad):
    client.force_login(member)
    response = client.post(reverse("today_welcome"), bad)
    assert response.status_code == 422
    assert Onboarding.objects.filter(user=member, finished_at__isnull=False).count() == 0


def test_welcome_can_be_revisited(client, member):
    client.force_login(member)
    client.post(reverse("today_welcome"), {"skip": "1"})
    response = client.get(reverse("today_welcome"))
    assert response.status_code == 200
    assert 'data-detect="timezone"' in response.content.decode()


def test_a_member_does_not_see_another_members_notifications_on_today(client, member, member2):
    do_notify([member2], kind="community.reply", title="Private to Sam", url="/")
    client.force_login(member)
    assert "Private to Sam" not in client.get("/").content.decode()
    assert Notification.objects.filter(recipient=member).count() == 0


def test_a_working_account_is_not_sent_to_the_welcome_steps(client, therapist):
    Onboarding.objects.create(user=therapist)
    client.force_login(therapist)
    assert client.session.get(SESSION_KEY) is True
    assert client.get("/").status_code == 200
