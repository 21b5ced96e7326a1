"""Questionnaire responses and the organisation's licence confirmations."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

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
    band = models.CharField(max_length=40, help_text="Band key from the instrument definition")
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
