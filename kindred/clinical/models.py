"""The clinical record: intake, working diagnoses, progress notes, process notes.

Everything a client or therapist wrote is encrypted at rest. Records belong to one
(client, therapist) pair: a second therapist treating the same client keeps a
separate record and never sees this one (see :mod:`kindred.clinical.access`).

A signed progress note is immutable. Three layers refuse a change: the actions,
``ProgressNote.save()`` / the queryset's ``update()``, and a database trigger
(migration 0002) that stops a raw UPDATE of a row whose ``signed_at`` is set.
Corrections are :class:`NoteAddendum` rows.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.timezone import now

from kindred.clinical import icd10
from kindred.clinical.vocabulary import SECTIONS, NoteFormat, RiskLevel
from kindred.core.fields import EncryptedJSONField, EncryptedTextField


class SignedNoteImmutable(Exception):
    """Someone tried to change a signed progress note (or an addendum)."""


class IntakeForm(models.Model):
    """The intake questionnaire a therapist asked a client to fill in."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="intake_forms"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answers = EncryptedJSONField(default=dict)
    requested_at = models.DateTimeField(default=now, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["member", "therapist"], name="clinical_one_intake"),
        ]

    def __str__(self) -> str:
        return f"intake {self.pk}"


class WorkingDiagnosis(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Encrypted too: a diagnosis code is as sensitive as the note about it.
    code = EncryptedTextField()
    note = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["member", "therapist"])]

    def __str__(self) -> str:
        return f"diagnosis {self.pk}"

    @property
    def description(self) -> str:
        return icd10.describe(self.code)


class ProgressNoteQuerySet(models.QuerySet["ProgressNote"]):
    def update(self, **kwargs: Any) -> int:
        if self.filter(signed_at__isnull=False).exists():
            raise SignedNoteImmutable("A signed note cannot be changed; add an addendum.")
        return super().update(**kwargs)


class ProgressNote(models.Model):
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # PROTECT: a SET_NULL would be an UPDATE of a signed row, which the trigger refuses.
    booking = models.ForeignKey(
        "bookings.Booking", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    format = models.CharField(max_length=4, choices=NoteFormat.choices)
    # {section key: text}, keys from vocabulary.SECTIONS[format].
    content = EncryptedJSONField(default=dict)
    risk_level = models.CharField(max_length=8, choices=RiskLevel.choices)
    risk_rationale = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(default=now)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ProgressNoteQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["member", "therapist", "created_at"])]

    def __str__(self) -> str:
        return f"progress note {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Checked against the stored row, not this instance: a caller that set
        # signed_at = None in memory must not get past it.
        if (
            not self._state.adding
            and self.pk is not None
            and type(self).objects.filter(pk=self.pk, signed_at__isnull=False).exists()
        ):
            raise SignedNoteImmutable("A signed note cannot be changed; add an addendum.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if type(self).objects.filter(pk=self.pk, signed_at__isnull=False).exists():
            raise SignedNoteImmutable("A signed note cannot be deleted.")
        return super().delete(*args, **kwargs)

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def sections(self) -> list[tuple[str, str]]:
        """(heading, text) in the format's order. The heading is a plain ``str`` in the
        active language: the export writes it to JSON."""
        return [(str(heading), self.content.get(key, "")) for key, heading in SECTIONS[self.format]]


class NoteAddendum(models.Model):
    """A correction or addition to a signed note. Append-only."""

    note = models.ForeignKey(ProgressNote, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField()
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"addendum {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise SignedNoteImmutable("An addendum cannot be changed; add another.")
        super().save(*args, **kwargs)


class PsychotherapyNote(models.Model):
    """The therapist's process notes: kept apart from the record, never shown to the
    client and never part of any export."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = EncryptedTextField()
    created_at = models.DateTimeField(default=now, editable=False)
    updated_at = models.DateTimeField(default=now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [models.Index(fields=["member", "therapist"])]

    def __str__(self) -> str:
        return f"psychotherapy note {self.pk}"
