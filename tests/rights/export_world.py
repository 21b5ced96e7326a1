"""A member with data in every app, for the export tests.

Each item carries a marker (``MARKERS[section]``) that the export must contain; a few
things that must never be exported to this member carry ``NEVER`` markers. People come
from tests/factories.py; rows that need no rules are written directly, the rest through
the apps' actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django.utils import timezone

from kindred.accounts.models import User
from kindred.core.roles import Role
from tests.factories import UserFactory

MARKERS = {
    "accounts": "Maya Export-Legal",
    "notifications": "notification-marker-title",
    "api": "token-marker-name",
    "community": "community-post-marker",
    "rooms": "room-message-marker",
    "groups": "group-mood-marker",
    "peers": "peer-story-marker",
    "bookings": "dr_export",  # the therapist's handle on the member's booking
    "clinical": "progress-note-marker",
    "plans": "plan-summary-marker",
    "messaging": "secure-message-marker",
    "measures": "phq9",
    "care": "referral-note-marker",
    "guide": "guide-answer-marker",
    "safety": "safety-plan-marker",
    "today": "2026-03-17",
}
# Sections whose items belong to the role-holders rather than a member.
ROLE_MARKERS = {
    "therapy": "therapist-introduction-marker",
}
# Things about the member that stay out of every export (psychotherapy notes), and the
# member's content that must stay out of other people's exports.
NEVER = "psychotherapy-note-marker"


@dataclass
class World:
    member: User
    therapist: User
    peer: User
    moderator: User
    other: User


def build_world() -> World:
    member = UserFactory(handle="maya_export", legal_name=MARKERS["accounts"], roles=[Role.MEMBER])
    therapist = UserFactory(handle="dr_export", roles=[Role.THERAPIST], mfa=True)
    peer = UserFactory(handle="peer_export", roles=[Role.MEMBER, Role.PEER_SUPPORTER])
    moderator = UserFactory(handle="mod_export", roles=[Role.MODERATOR], mfa=True)
    other = UserFactory(handle="sam_export", roles=[Role.MEMBER])
    now = timezone.now()

    _core(member)
    _api(member)
    _community(member)
    connection = _peers(member, peer)
    _rooms(member, connection)
    _groups(member, peer)
    _therapy(therapist)
    _bookings(member, therapist, now)
    _clinical(member, therapist, now)
    _plans(member, therapist)
    _messaging(member, therapist)
    _measures(member, therapist)
    _care(member, therapist)
    _guide(member)
    _today(member)
    _safety(member, moderator, other)
    return World(member=member, therapist=therapist, peer=peer, moderator=moderator, other=other)


def _core(member: User) -> None:
    from kindred.core.notifications import do_notify

    do_notify([member], kind="test", title=MARKERS["notifications"])


def _api(member: User) -> None:
    from kindred.api.actions import do_create_token

    do_create_token(member, name=MARKERS["api"], scopes=["read"])


def _community(member: User) -> None:
    from kindred.community.models import Post, PostRevision, Reaction, Space, Thread

    space = Space.objects.get(slug="depression-anxiety")
    thread = Thread.objects.create(
        space=space, author=member, title="Finding my feet", last_activity_at=timezone.now()
    )
    post = Post.objects.create(
        thread=thread,
        author=member,
        is_opening=True,
        body=MARKERS["community"],
        body_html=f"<p>{MARKERS['community']}</p>",
    )
    PostRevision.objects.create(post=post, body="an earlier version", created_at=timezone.now())
    Reaction.objects.create(post=post, user=member, kind="strength")


def _peers(member: User, peer: User) -> Any:
    from kindred.peers.models import Connection, ConnectionStatus, PeerProfile, Rating

    PeerProfile.objects.create(user=member, story=MARKERS["peers"], story_themes=["grief"])
    connection = Connection.objects.create(
        requester=member,
        recipient=peer,
        supporter=peer,
        note="hello there",
        status=ConnectionStatus.ACTIVE,
        started_at=timezone.now(),
    )
    Rating.objects.create(connection=connection, rater=member, stars=5, comment="kind")
    return connection


def _rooms(member: User, connection: Any) -> None:
    from kindred.rooms.models import Room, RoomMessage

    room = Room.objects.create(kind="peers.connection", object_id=connection.pk)
    RoomMessage.objects.create(room=room, seq=1, author=member, body=MARKERS["rooms"])


def _groups(member: User, facilitator: User) -> None:
    from kindred.community.models import Space
    from kindred.groups.models import Attendance, Group, GroupSession, SignUp, SignUpStatus

    group = Group.objects.create(
        space=Space.objects.get(slug="depression-anxiety"),
        topic="Tuesday evening circle",
        description="A circle.",
        recurrence="FREQ=WEEKLY;BYDAY=TU",
        starts_on=date(2026, 1, 6),
        start_time=time(19, 0),
        timezone="Europe/London",
    )
    group.facilitators.add(facilitator)
    start = timezone.now() - timedelta(days=2)
    session = GroupSession.objects.create(
        group=group, starts_at=start, ends_at=start + timedelta(minutes=90)
    )
    SignUp.objects.create(
        group=group, session=session, user=member, status=SignUpStatus.JOINED, queued_at=start
    )
    Attendance.objects.create(
        session=session, user=member, checked_in_at=start, mood_word=MARKERS["groups"], rating=4
    )


def _therapy(therapist: User) -> None:
    from kindred.therapy.models import TherapistProfile

    TherapistProfile.objects.create(user=therapist, introduction=ROLE_MARKERS["therapy"])


def _bookings(member: User, therapist: User, now: Any) -> None:
    from kindred.bookings.models import Booking

    start = now + timedelta(days=3)
    Booking.objects.create(
        member=member, therapist=therapist, starts_at=start, ends_at=start + timedelta(minutes=50)
    )


def _clinical(member: User, therapist: User, now: Any) -> None:
    from kindred.clinical.models import (
        IntakeForm,
        NoteAddendum,
        ProgressNote,
        PsychotherapyNote,
        WorkingDiagnosis,
    )

    IntakeForm.objects.create(
        member=member, therapist=therapist, answers={"reason": "intake-marker"}, submitted_at=now
    )
    WorkingDiagnosis.objects.create(member=member, therapist=therapist, code="F32.1")
    note = ProgressNote.objects.create(
        member=member,
        therapist=therapist,
        format="soap",
        content={"subjective": MARKERS["clinical"]},
        risk_level="none",
    )
    ProgressNote.objects.filter(pk=note.pk).update(signed_at=now, signed_by=therapist)
    NoteAddendum.objects.create(note=note, author=therapist, text="addendum-marker")
    ProgressNote.objects.create(
        member=member,
        therapist=therapist,
        format="soap",
        content={"subjective": "unsigned-draft-marker"},
        risk_level="none",
    )
    PsychotherapyNote.objects.create(member=member, therapist=therapist, text=NEVER)


def _plans(member: User, therapist: User) -> None:
    from kindred.plans.models import PlanComment, PlanVersion, TreatmentPlan

    plan = TreatmentPlan.objects.create(member=member, therapist=therapist)
    version = PlanVersion.objects.create(
        plan=plan,
        number=1,
        author=therapist,
        content={"problems": []},
        summary=MARKERS["plans"],
        review_date=date(2030, 1, 1),
    )
    PlanComment.objects.create(version=version, author=member, text="plan-comment-marker")


def _messaging(member: User, therapist: User) -> None:
    from kindred.messaging.models import Conversation, Message

    conversation = Conversation.objects.create(member=member, therapist=therapist)
    Message.objects.create(conversation=conversation, sender=member, body=MARKERS["messaging"])


def _measures(member: User, therapist: User) -> None:
    from kindred.measures.actions import do_submit_response

    do_submit_response(member, "phq9", {f"q{i}": 1 for i in range(1, 10)})


def _care(member: User, therapist: User) -> None:
    from kindred.audit.actions import record_event
    from kindred.care.models import Referral
    from kindred.consent import audit_names as consent_audit
    from kindred.consent.models import ConsentGrant

    ConsentGrant.objects.create(member=member, grantee=therapist, scope="safety_plan")
    Referral.objects.create(
        member=member,
        author=therapist,
        kind="group",
        url="/groups/",
        title="A group",
        note=MARKERS["care"],
    )
    # The therapist used the grant: the member's "who looked" log shows it.
    record_event(
        actor=therapist,
        event=consent_audit.GRANT_USED,
        target=member,
        changes={"scope": "safety_plan"},
    )


def _guide(member: User) -> None:
    from kindred.guide.models import SavedGuide

    SavedGuide.objects.create(
        owner=member, answers={"why": MARKERS["guide"]}, outcome={}, content_version="1"
    )


def _today(member: User) -> None:
    import datetime

    from kindred.today.models import MoodCheckIn

    MoodCheckIn.objects.create(
        owner=member, day=datetime.date.fromisoformat(MARKERS["today"]), score="4"
    )


def _safety(member: User, moderator: User, other: User) -> None:
    from kindred.safety.models import (
        Block,
        Flag,
        SafetyPlan,
        SupportConversation,
        SupportMessage,
    )

    SafetyPlan.objects.create(
        owner=member,
        sections={"warning_signs": [MARKERS["safety"]]},
        reasons_for_living="my cat",
    )
    flag = Flag.objects.create(subject=member, text="flagged-text-marker", level="moderate")
    conversation = SupportConversation.objects.create(member=member, flag=flag, staff=moderator)
    SupportMessage.objects.create(
        conversation=conversation, sender=moderator, body="support-message-marker"
    )
    Block.objects.create(blocker=member, blocked=other)
