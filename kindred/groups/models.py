"""Peer support groups, their concrete sessions, sign-ups and what happened in each session.

A group's schedule is an RFC 5545 recurrence rule on the facilitator's wall clock
(``first_starts_at_local`` + ``timezone``), because "Tuesdays at 19:00" means 19:00
in that zone in winter and in summer; :mod:`kindred.groups.schedule` turns it into
UTC instants, and the upcoming ones are stored as :class:`GroupSession` rows.

Who takes part:

* an **open drop-in** group: a sign-up per session (``SignUp.session`` set);
* a **closed cohort** or a **pop-up** group: one sign-up for the whole group
  (``SignUp.session`` empty). A pop-up group has no sessions until ``quorum``
  people are waiting; then it opens (see ``actions.do_open_popup``).

Capacity is counted per session (drop-in) or per group (cohort, pop-up), always
under a row lock on that session or group, so it is never exceeded.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kindred.core.fields import EncryptedTextField

DEFAULT_NORMS = """\
- **What is said here stays here.** Share other people's stories with no one. The limit: \
if someone is at risk of serious harm, the facilitator may get them help, and will tell \
them first where they can.
- **Speak from your own experience.** Say "I", not "you should" or "everyone".
- **No unsolicited advice.** Ask before offering a suggestion; it is fine to just listen.
- **No diagnoses.** We are peers, not clinicians: nobody here labels anyone else.
- **You may pass.** You never have to share, in the check-in or after it."""


class GroupFormat(models.TextChoices):
    OPEN = "open", _("Open drop-in: sign up for any session")
    COHORT = "cohort", _("Closed cohort: the same people every session")
    POPUP = "popup", _("Pop-up: opens once enough people are waiting")


class Group(models.Model):
    space = models.ForeignKey(
        "community.Space", on_delete=models.PROTECT, related_name="support_groups"
    )
    topic = models.CharField(max_length=120)
    description = models.TextField(max_length=2000)
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_groups"
    )
    format = models.CharField(max_length=6, choices=GroupFormat.choices, default=GroupFormat.OPEN)
    capacity = models.PositiveSmallIntegerField(default=10)
    # The recurrence rule without DTSTART, e.g. "FREQ=WEEKLY;BYDAY=TU".
    recurrence = models.CharField(max_length=300)
    # DTSTART on the facilitator's clock (a date and a wall time) and the IANA zone
    # it is read in.
    starts_on = models.DateField()
    start_time = models.TimeField()
    timezone = models.CharField(max_length=64)
    session_minutes = models.PositiveSmallIntegerField(default=90)
    norms = models.TextField(default=DEFAULT_NORMS)
    # Pop-up groups only: how many waiting people open the group.
    quorum = models.PositiveSmallIntegerField(default=3)
    opened_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["topic", "pk"]
        indexes: ClassVar = [models.Index(fields=["space", "is_active"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(capacity__gte=2, capacity__lte=50), name="groups_capacity_range"
            ),
            models.CheckConstraint(
                condition=Q(session_minutes__gte=15, session_minutes__lte=240),
                name="groups_session_minutes_range",
            ),
            models.CheckConstraint(condition=Q(quorum__gte=2), name="groups_quorum_min"),
        ]

    def __str__(self) -> str:
        return self.topic

    @property
    def first_starts_at_local(self) -> datetime:
        """DTSTART, naive: a wall-clock time in ``timezone``."""
        return datetime.combine(self.starts_on, self.start_time)

    @property
    def per_session(self) -> bool:
        """Sign-ups are per session (drop-in) rather than for the whole group."""
        return self.format == GroupFormat.OPEN

    @property
    def is_waiting_for_quorum(self) -> bool:
        return self.format == GroupFormat.POPUP and self.opened_at is None


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    ENDED = "ended", _("Ended")


class GroupSession(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=9, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    room_opened_at = models.DateTimeField(null=True, blank=True)
    norms_pinned_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Cancelled by a facilitator or staff (one session, or all ahead when the group is archived);
    # the reason is shown to the people signed up.
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    # Attendance counts and handles only: never anything anyone wrote.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar = ["starts_at", "pk"]
        indexes: ClassVar = [
            models.Index(fields=["group", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["group", "starts_at"], name="groups_session_once"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="groups_session_end_after"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} at {self.starts_at:%Y-%m-%d %H:%M} UTC"


class SignUpStatus(models.TextChoices):
    JOINED = "joined", _("Joined")
    WAITLISTED = "waitlisted", _("On the waitlist")
    LEFT = "left", _("Left")


class SignUp(models.Model):
    """One person's place (or place in the queue) in a session or a whole group.

    Leaving keeps the row (status ``left``) and joining again reuses it with a new
    ``queued_at``, so the waitlist order is the order people asked, once each.
    """

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="signups")
    session = models.ForeignKey(
        GroupSession, on_delete=models.CASCADE, null=True, blank=True, related_name="signups"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_signups"
    )
    status = models.CharField(max_length=10, choices=SignUpStatus.choices)
    queued_at = models.DateTimeField()
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            # Counting places and finding the head of the waitlist.
            models.Index(fields=["session", "status", "queued_at"]),
            models.Index(fields=["group", "status", "queued_at"]),
            models.Index(fields=["user", "status"]),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["session", "user"],
                condition=Q(session__isnull=False),
                name="groups_signup_once_per_session",
            ),
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(session__isnull=True),
                name="groups_signup_once_per_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.status} in {self.session_id or self.group_id}"


class Attendance(models.Model):
    """What happened to one person in one session: the room, the check-in, the rating.

    Mute and removal live here too, so the room kind can answer "may they write?"
    from one row.
    """

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_attendance"
    )
    joined_room_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    # Said in the room's check-in round; kept encrypted, never shown outside it.
    mood_word = EncryptedTextField(blank=True, default="")
    passed = models.BooleanField(default=False)
    hand_raised_at = models.DateTimeField(null=True, blank=True)
    muted_at = models.DateTimeField(null=True, blank=True)
    mute_reason = models.CharField(max_length=200, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    remove_reason = models.CharField(max_length=200, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["user", "session"]),
            models.Index(
                fields=["session", "hand_raised_at"],
                name="groups_hand_queue",
                condition=Q(hand_raised_at__isnull=False),
            ),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["session", "user"], name="groups_attendance_once"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="groups_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in session {self.session_id}"

    @property
    def attended(self) -> bool:
        return self.joined_room_at is not None or self.checked_in_at is not None


class ReminderSent(models.Model):
    """The unique marker that makes each (session, person, offset) reminder go once."""

    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    offset_minutes = models.PositiveIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["session", "user", "offset_minutes"], name="groups_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"reminder {self.offset_minutes} min for {self.user_id} in {self.session_id}"
