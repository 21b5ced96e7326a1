"""Questionnaire responses and the organisation's licence confirmations."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.core.fields import EncryptedJSONField


class Response(models.Model):
    """One completed questionnaire.

    ``answers`` (item id → scored value) is encrypted: single answers such as PHQ-9 item 9
    are among the most sensitive things a member tells us. The total and band stay in
    clear so results can be charted and filtered without decrypting every row.
    Read them through :func:`kindred.measures.access.access_response`.
    """

    member = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="measure_responses"
    )
    instrument_id = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    answers = EncryptedJSONField()
    total = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=40, help_text=_("Band key from the instrument definition"))
    prorated = models.BooleanField(default=False)
    assigned_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes: ClassVar = [
            # "This member's PHQ-9 results over time": the chart and the outcome query.
            models.Index(
                fields=["member", "instrument_id", "created_at"], name="measures_member_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} response {self.pk}"


class InstrumentLicence(models.Model):
    """The hosting organisation's confirmation that it may use an instrument.

    Needed for every instrument whose licence is not plainly free (DAST-10: non-commercial
    use only). One row per instrument; deleting it withdraws the instrument again.
    """

    instrument_id = models.CharField(max_length=40, unique=True)
    confirmed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    confirmed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Licence confirmed for {self.instrument_id}"


class ResponseDraft(models.Model):
    """A questionnaire answered part-way, one question per screen.

    One per member and instrument: each step saves here ("autosaved"), the member can
    leave and resume at ``step``, and submitting deletes it. ``answers`` is encrypted
    for the same reason as :attr:`Response.answers`.
    """

    member = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="measure_drafts"
    )
    instrument_id = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    answers = EncryptedJSONField()
    # Index into the instrument's items of the question to show next.
    step = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["member", "instrument_id"], name="measures_one_draft_per_instrument"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} draft {self.pk}"


class Assignment(models.Model):
    """A therapist asking a client to complete an instrument on a schedule.

    Due every ``every_days`` days from ``created_at`` and/or 24 hours before each of the
    client's booked sessions with this therapist (``before_sessions``). Computed, not
    stored: :func:`kindred.measures.schedules.due_assignments`. Stopping keeps the row
    (``active=False``) so the history of what was asked stays.
    """

    therapist = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="measure_assignments_given"
    )
    member = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="measure_assignments"
    )
    instrument_id = models.CharField(max_length=40)
    every_days = models.PositiveSmallIntegerField(null=True, blank=True)
    before_sessions = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("created_at", "id")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(every_days__isnull=False) | models.Q(before_sessions=True),
                name="measures_assignment_has_a_schedule",
            ),
            models.CheckConstraint(
                condition=models.Q(every_days__isnull=True) | models.Q(every_days__gte=1),
                name="measures_assignment_every_days_positive",
            ),
            models.UniqueConstraint(
                fields=["therapist", "member", "instrument_id"],
                condition=models.Q(active=True),
                name="measures_one_active_assignment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} assignment {self.pk}"


class AssignmentReminder(models.Model):
    """One row per (assignment, due moment): the marker that makes each reminder go once."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reminders")
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["assignment", "due_at"], name="measures_one_reminder_per_due"
            ),
        ]

    def __str__(self) -> str:
        return f"reminder {self.pk} for assignment {self.assignment_id}"
