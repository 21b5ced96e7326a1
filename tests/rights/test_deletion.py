"""Deleting an account: scheduling, cancelling, erasing every app's rows, purging
what was kept, and the audit chain throughout (kindred.rights.deletion)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import models
from django.utils import timezone

from kindred.accounts.deletion import DELETED_MEMBER_EMAIL, ERASERS
from kindred.accounts.models import User
from kindred.api.actions import do_create_token
from kindred.api.models import ApiToken
from kindred.audit.actions import verify_chain
from kindred.audit.models import AuditEvent
from kindred.bookings.models import Booking, BookingStatus, CalendarFeed
from kindred.clinical.models import ProgressNote, PsychotherapyNote
from kindred.community.deletion import DELETED_THREAD_TITLE
from kindred.community.models import Post, Thread
from kindred.consent.models import ConsentGrant
from kindred.core.models import Notification
from kindred.core.roles import Role
from kindred.guide.models import SavedGuide
from kindred.measures.models import Response, ResponseDraft
from kindred.messaging.models import Conversation, Message
from kindred.peers.access import reachable_profiles
from kindred.peers.models import Connection, ConnectionStatus, HiddenSuggestion, PeerProfile
from kindred.plans.models import TreatmentPlan
from kindred.rights import deletion as rights_deletion
from kindred.rights.deletion import (
    DutiesPending,
    WrongPassword,
    check_schedule_deletion,
    do_cancel_deletion,
    do_erase_account,
    do_purge_expired_retention,
    do_run_due_deletions,
    do_schedule_deletion,
    load_erasers,
    pending_deletion,
)
from kindred.rights.deletion_models import AccountDeletion, DeletionState, PostsChoice
from kindred.rooms.actions import history
from kindred.rooms.models import Room, RoomMessage
from kindred.safety.models import Block, Flag, FlagStatus, SafetyPlan
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

SECRET_WORDS = "marmalade-lighthouse-7731"


def _user_keys() -> list[tuple[type[models.Model], models.Field]]:
    """Every (model, field) that refers to the user model, many-to-many included."""
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                getattr(field, "concrete", False)
                and field.is_relation
                and field.related_model is User
            ):
                found.append((model, field))
    return found


def _declared() -> tuple[set[str], dict[str, str]]:
    load_erasers()
    erased: set[str] = set()
    retained: dict[str, str] = {}
    for eraser in ERASERS.values():
        erased.update(eraser.models)
        retained.update(eraser.retained)
    # Rights' own record of the deletion: dates and choices, no content.
    retained["rights.AccountDeletion"] = "the record that the deletion happened"
    return erased, retained


def _rows_about(user: User, keys=None) -> dict[str, int]:
    counts = {}
    for model, field in keys or _user_keys():
        n = model._default_manager.filter(**{field.name: user}).count()
        if n:
            counts[f"{model._meta.label}.{field.name}"] = n
    return counts


@pytest.fixture
def rich(member, member2, therapist, moderator, space, write):
    """``member`` with something in every app, and the people who could see it."""
    now = timezone.now()
    thread = write(member, space, title="My own thread", body=f"Opening {SECRET_WORDS}")
    other_thread = write(member2, space, title="Sam's thread", body="Hello all")
    reply = write.reply(member, other_thread, body=f"My reply {SECRET_WORDS}")
    others_reply = write.reply(member2, thread, body="Sam answers Maya")
    later_reply = write.reply(member2, other_thread, body="Sam again")
    do_create_token(member, name="script", scopes=["read", "write"])
    PeerProfile.objects.create(user=member, story=f"My story {SECRET_WORDS}", is_listed=True)
    PeerProfile.objects.create(user=member2, story="Sam's story", is_listed=True)
    low, high = sorted((member.pk, member2.pk))
    connection = Connection.objects.create(
        requester=member,
        recipient=member2,
        pair_low=low,
        pair_high=high,
        status=ConnectionStatus.ACTIVE,
        started_at=now,
    )
    HiddenSuggestion.objects.create(user=member2, hidden=member)
    room = Room.objects.create(kind="peers.connection", object_id=connection.pk)
    RoomMessage.objects.create(room=room, seq=1, author=member, body=f"Chat {SECRET_WORDS}")
    RoomMessage.objects.create(room=room, seq=2, author=member2, body="Chat back")
    SafetyPlan.objects.create(owner=member, reasons_for_living=SECRET_WORDS)
    Block.objects.create(blocker=member, blocked=moderator)
    Flag.objects.create(subject=member, text=SECRET_WORDS, status=FlagStatus.RESOLVED)
    past = Booking.objects.create(
        therapist=therapist,
        member=member,
        starts_at=now - timedelta(days=3),
        ends_at=now - timedelta(days=3) + timedelta(minutes=50),
        status=BookingStatus.ATTENDED,
    )
    coming = Booking.objects.create(
        therapist=therapist,
        member=member,
        starts_at=now + timedelta(days=3),
        ends_at=now + timedelta(days=3, minutes=50),
    )
    CalendarFeed.objects.create(user=member, public_id="feed-maya", secret_hash="x" * 64)
    ProgressNote.objects.create(
        member=member, therapist=therapist, booking=past, format="soap", risk_level="none"
    )
    PsychotherapyNote.objects.create(member=member, therapist=therapist, text=SECRET_WORDS)
    TreatmentPlan.objects.create(member=member, therapist=therapist)
    conversation = Conversation.objects.create(member=member, therapist=therapist)
    Message.objects.create(conversation=conversation, sender=member, body=SECRET_WORDS)
    Response.objects.create(
        member=member,
        instrument_id="phq9",
        instrument_version="1",
        answers=[1] * 9,
        total=9,
        band="mild",
    )
    ResponseDraft.objects.create(
        member=member, instrument_id="gad7", instrument_version="1", answers=[1]
    )
    grant = ConsentGrant.objects.create(member=member, grantee=member2, scope="safety_plan")
    SavedGuide.objects.create(owner=member, answers={"a": 1}, outcome={"o": 1}, content_version="1")
    Notification.objects.create(recipient=member, kind="x", title="hello")
    return {
        "thread": thread,
        "other_thread": other_thread,
        "reply": reply,
        "others_reply": others_reply,
        "later_reply": later_reply,
        "connection": connection,
        "coming": coming,
        "grant": grant,
    }


def _erase_now(user: User, posts: str = PostsChoice.DELETE) -> AccountDeletion:
    scheduled = do_schedule_deletion(user, posts=posts, actor=user, grace=timedelta(0))
    do_erase_account(scheduled.deletion)
    scheduled.deletion.refresh_from_db()
    return scheduled.deletion


# --- Every model is accounted for ------------------------------------------------------


def test_every_model_with_a_user_key_is_erased_or_retained_with_a_reason():
    erased, retained = _declared()
    labels = {model._meta.label for model, _ in _user_keys()}
    assert labels - erased - set(retained) == set()
    assert erased & set(retained) == set()
    assert all(reason.strip() for reason in retained.values())


def test_every_app_with_user_rows_registers_its_own_eraser():
    load_erasers()
    owners = {model._meta.app_label for model, _ in _user_keys()}
    # Third-party apps (allauth, admin) and core are erased by accounts.
    owners -= {"account", "mfa", "admin", "core", "rights"}
    assert owners <= set(ERASERS.keys())


def test_erasure_leaves_no_row_with_the_members_content(rich, member):
    before = _rows_about(member)
    # The fixture touches most apps: the walk below has something to find.
    assert len({key.split(".")[0] for key in before}) >= 12
    deletion = _erase_now(member)
    assert deletion.state == DeletionState.DONE
    _, retained = _declared()
    left = {
        key: n for key, n in _rows_about(member).items() if key.rsplit(".", 1)[0] not in retained
    }
    assert left == {}
    # Within retention, the clinical records are still there.
    assert ProgressNote.objects.filter(member=member).count() == 1
    assert Response.objects.filter(member=member).count() == 1
    assert Booking.objects.filter(member=member, status=BookingStatus.ATTENDED).count() == 1


def test_erasure_scrubs_the_account_row_but_keeps_whose_records_they_are(rich, member):
    legal_name = member.legal_name
    _erase_now(member)
    member.refresh_from_db()
    assert not member.is_active
    assert not member.has_usable_password()
    assert "maya" not in member.email and member.handle != "member_maya"
    assert member.legal_name == legal_name  # clinical records must say whose they are


def test_deleted_posts_go_and_replies_from_others_keep_their_place(rich, member, member2):
    _erase_now(member, PostsChoice.DELETE)
    thread = Thread.objects.get(pk=rich["thread"].pk)
    assert thread.title == DELETED_THREAD_TITLE
    assert thread.author.email == DELETED_MEMBER_EMAIL
    mine = Post.objects.filter(pk=rich["reply"].pk).get()
    assert mine.is_deleted and mine.body == "" and mine.body_html == ""
    assert not Post.objects.filter(body__contains=SECRET_WORDS).exists()
    others = Post.objects.get(pk=rich["others_reply"].pk)
    assert others.author == member2 and not others.is_deleted
    assert list(
        Post.objects.filter(thread=rich["other_thread"], is_deleted=False).values_list(
            "pk", flat=True
        )
    ) == sorted([rich["other_thread"].posts.get(is_opening=True).pk, rich["later_reply"].pk])


def test_anonymised_posts_stay_shown_as_deleted_member(rich, member, client):
    _erase_now(member, PostsChoice.ANONYMISE)
    reply = Post.objects.get(pk=rich["reply"].pk)
    assert reply.author.email == DELETED_MEMBER_EMAIL
    assert SECRET_WORDS in reply.body and not reply.is_deleted
    thread = rich["other_thread"]
    page = client.get(f"/spaces/{thread.space.slug}/threads/{thread.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert SECRET_WORDS in html
    assert "deleted member" in html
    assert "member_maya" not in html


def test_peer_and_room_messages_go_and_the_other_side_keeps_theirs(rich, member, member2):
    _erase_now(member)
    assert not RoomMessage.objects.filter(author=member).exists()
    assert RoomMessage.objects.filter(author=member2).count() == 1
    assert not Connection.objects.filter(pk=rich["connection"].pk).exists()
    assert not PeerProfile.objects.filter(user=member).exists()
    assert PeerProfile.objects.filter(user=member2).exists()


def test_grants_end_and_coming_sessions_are_cancelled(rich, member):
    _erase_now(member)
    rich["grant"].refresh_from_db()
    assert rich["grant"].revoked_at is not None
    rich["coming"].refresh_from_db()
    assert rich["coming"].status == BookingStatus.CANCELLED


def test_the_treating_therapist_is_told(rich, member, therapist):
    _erase_now(member)
    told = Notification.objects.filter(recipient=therapist, kind="rights.client_deleted")
    assert told.count() == 1
    title = told.get().title
    assert "deleted their Kindred account" in title
    # Named by the latest session booked (the coming one), never by name: titles may be
    # emailed in the digest.
    assert rich["coming"].starts_at.strftime("%Y-%m-%d") in title
    assert member.legal_name not in title and member.handle not in title


# --- Audit --------------------------------------------------------------------------------


def test_the_audit_chain_verifies_and_holds_no_content(rich, member):
    email, handle = member.email, member.handle
    deletion = _erase_now(member)
    do_purge_expired_retention(now=deletion.retained_until + timedelta(seconds=1))
    assert verify_chain() == []
    events = set(AuditEvent.objects.values_list("event", flat=True))
    assert {"rights.deletion_scheduled", "rights.account_erased", "rights.retained_purged"} <= (
        events
    )
    for row in AuditEvent.objects.all():
        text = f"{row.changes} {row.target_id} {row.target_type}"
        assert SECRET_WORDS not in text
        assert email not in text and handle not in text


# --- Retention ----------------------------------------------------------------------------


def test_kept_records_are_purged_when_retention_ends(rich, member, settings):
    settings.CLINICAL_RETENTION_YEARS = 6
    deletion = _erase_now(member)
    assert deletion.retained_until - deletion.erased_at >= timedelta(days=6 * 365)
    assert do_purge_expired_retention(now=deletion.retained_until - timedelta(days=1)) == 0
    assert ProgressNote.objects.filter(member=member).exists()
    assert do_purge_expired_retention(now=deletion.retained_until + timedelta(seconds=1)) == 1
    assert not User.objects.filter(pk=member.pk).exists()
    for model in (ProgressNote, PsychotherapyNote, TreatmentPlan, Conversation, Response, Booking):
        assert not model.objects.filter(member_id=member.pk).exists()
    assert not ConsentGrant.objects.filter(member_id=member.pk).exists()
    deletion.refresh_from_db()
    assert deletion.user_id is None and deletion.retained_purged_at is not None
    assert do_purge_expired_retention(now=deletion.retained_until + timedelta(days=1)) == 0


def test_an_account_with_nothing_kept_goes_at_once(member2):
    _erase_now(member2)
    assert not User.objects.filter(pk=member2.pk).exists()
    deletion = AccountDeletion.objects.get()
    assert deletion.state == DeletionState.DONE and deletion.retained_purged_at is not None


# --- Scheduling, grace, cancelling ----------------------------------------------------------


def test_scheduling_signs_out_every_session_and_token(member, client, settings):
    _, token = do_create_token(member, name="script", scopes=["read", "write"])
    client.force_login(member)
    assert client.get("/accounts/profile/").status_code == 200
    do_schedule_deletion(member, actor=member)
    assert client.get("/accounts/profile/").status_code == 302
    answer = client.get("/api/v1/tokens", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 401
    assert not ApiToken.objects.filter(user=member, revoked_at__isnull=True).exists()


def test_scheduling_hides_posts_and_peer_profile_until_cancelled(
    rich, member, member2, client, django_capture_on_commit_callbacks
):
    thread = rich["other_thread"]
    url = f"/spaces/{thread.space.slug}/threads/{thread.pk}/"
    own_url = f"/spaces/{rich['thread'].space.slug}/threads/{rich['thread'].pk}/"
    # Anonymous pages are cached: the cached copy must be forgotten too.
    assert SECRET_WORDS in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        do_schedule_deletion(member, actor=member)
    assert SECRET_WORDS not in client.get(url).content.decode()
    assert client.get(url).status_code == 200  # Sam's thread stays
    assert client.get(own_url).status_code == 404
    assert not reachable_profiles().filter(user=member).exists()
    room = Room.objects.get(kind="peers.connection")
    assert [m.author for m in history(room, viewer=member2)] == [member2]
    with django_capture_on_commit_callbacks(execute=True):
        assert do_cancel_deletion(member)
    assert SECRET_WORDS in client.get(url).content.decode()
    assert reachable_profiles().filter(user=member).exists()
    assert [m.author for m in history(room, viewer=member2)] == [member, member2]


def test_the_due_task_erases_only_what_is_due(member, member2):
    now = timezone.now()
    do_schedule_deletion(member, actor=member, now=now)
    do_schedule_deletion(member2, actor=member2, now=now - timedelta(days=8))
    assert do_run_due_deletions(now=now) == 1
    assert pending_deletion(member) is not None
    assert AccountDeletion.objects.get(state=DeletionState.DONE).erased_at == now
    assert do_run_due_deletions(now=now + timedelta(days=7, seconds=1)) == 1


def test_a_cancelled_deletion_is_not_run(member):
    scheduled = do_schedule_deletion(member, actor=member, grace=timedelta(0))
    do_cancel_deletion(member)
    assert do_run_due_deletions() == 0
    scheduled.deletion.refresh_from_db()
    assert scheduled.deletion.state == DeletionState.CANCELLED
    member.refresh_from_db()
    assert member.is_active


def test_signing_in_during_the_grace_period_offers_to_cancel(member, client):
    do_schedule_deletion(member, actor=member)
    answer = client.post("/accounts/login/", {"login": member.email, "password": TEST_PASSWORD})
    assert answer.status_code == 302
    assert answer.url == "/accounts/data/delete/cancel/"
    page = client.get(answer.url)
    assert page.status_code == 200
    assert "Cancel the deletion" in page.content.decode()
    assert client.post(answer.url).status_code == 302
    member.refresh_from_db()
    assert member.is_active and pending_deletion(member) is None


def test_an_account_deactivated_for_another_reason_gets_the_usual_page(member, client):
    User.objects.filter(pk=member.pk).update(is_active=False)
    answer = client.post("/accounts/login/", {"login": member.email, "password": TEST_PASSWORD})
    assert answer.status_code == 302
    assert answer.url == "/accounts/inactive/"


def test_a_wrong_password_at_sign_in_offers_nothing(member, client):
    do_schedule_deletion(member, actor=member)
    answer = client.post("/accounts/login/", {"login": member.email, "password": "nope"})
    assert answer.status_code == 200
    assert client.get("/accounts/data/delete/cancel/").status_code == 302


# --- Checks ---------------------------------------------------------------------------------


def test_it_needs_the_password_or_a_recent_reauthentication(member):
    with pytest.raises(WrongPassword):
        check_schedule_deletion(member, password="wrong")
    with pytest.raises(WrongPassword):
        check_schedule_deletion(member, password=None)
    check_schedule_deletion(member, password=TEST_PASSWORD)
    check_schedule_deletion(member, password=None, recently_reauthenticated=True)


def test_a_therapist_with_coming_sessions_cannot_delete_itself(therapist, member):
    now = timezone.now()
    Booking.objects.create(
        therapist=therapist,
        member=member,
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, minutes=50),
    )
    with pytest.raises(DutiesPending) as refusal:
        check_schedule_deletion(therapist, password=TEST_PASSWORD)
    assert "upcoming session" in str(refusal.value)


def test_a_moderator_with_open_flags_cannot_delete_itself(moderator, member):
    Flag.objects.create(subject=member, handed_to=moderator, status=FlagStatus.OPEN)
    with pytest.raises(DutiesPending) as refusal:
        check_schedule_deletion(moderator, password=TEST_PASSWORD)
    assert "open safety flag" in str(refusal.value)


# --- 404 for those who could see the member -------------------------------------------------


def test_those_who_could_see_the_member_get_404_afterwards(rich, member, member2, client):
    client.force_login(member2)
    shared = f"/api/v1/care/shared/{member.pk}"
    connection = f"/api/v1/peers/connections/{rich['connection'].pk}"
    own_thread = f"/spaces/{rich['thread'].space.slug}/threads/{rich['thread'].pk}/"
    assert client.get(connection).status_code == 200
    _erase_now(member, PostsChoice.DELETE)
    assert client.get(shared).status_code == 404
    assert client.get(connection).status_code == 404
    # The thread stands for the replies in it; the member's words are gone from it.
    page = client.get(own_thread)
    assert SECRET_WORDS not in page.content.decode()


# --- Staff command --------------------------------------------------------------------------


def test_staff_command_schedules_and_audits(member, staff):
    out = StringIO()
    call_command("delete_account", member.email, "--staff", staff.email, stdout=out)
    assert "Scheduled for" in out.getvalue()
    deletion = pending_deletion(member)
    assert deletion is not None and deletion.by_staff
    row = AuditEvent.objects.filter(event="rights.deletion_scheduled").get()
    assert row.actor_id == staff.pk and row.changes["by_staff"] is True


def test_staff_command_now_erases_at_once(member):
    out = StringIO()
    call_command("delete_account", member.email.upper(), "--now", stdout=out)
    assert "Erased" in out.getvalue()
    deletion = AccountDeletion.objects.get()
    assert deletion.state == DeletionState.DONE and deletion.by_staff
    row = AuditEvent.objects.filter(event="rights.deletion_scheduled").get()
    assert row.actor_id is None and row.changes["by_staff"] is True


def test_staff_command_refuses_unknown_people_and_open_duties(therapist, member):
    with pytest.raises(CommandError):
        call_command("delete_account", "nobody@example.test")
    now = timezone.now()
    Booking.objects.create(
        therapist=therapist,
        member=member,
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, minutes=50),
    )
    with pytest.raises(CommandError, match="upcoming session"):
        call_command("delete_account", therapist.email, "--now")


def test_a_therapist_without_duties_can_be_erased(therapist, member):
    ProgressNote.objects.create(
        member=member, therapist=therapist, format="soap", risk_level="none"
    )
    _erase_now(therapist)
    assert ProgressNote.objects.filter(therapist=therapist).count() == 1
    therapist.refresh_from_db()
    assert not therapist.has_usable_password()
    assert not therapist.roles.exists()
    assert rights_deletion.has_retained(therapist)


def test_the_deleted_member_account_cannot_sign_in(member, client):
    _erase_now(member, PostsChoice.ANONYMISE)
    ghost = User.objects.get(email=DELETED_MEMBER_EMAIL)
    assert not ghost.is_active and not ghost.has_usable_password()
    assert not ghost.roles.filter(role=Role.MEMBER).exists()
