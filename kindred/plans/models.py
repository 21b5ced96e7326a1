"""Treatment plans: every revision kept, content encrypted at rest.

Read them through :mod:`kindred.plans.access`; change them through
:mod:`kindred.plans.actions`.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.core.fields import EncryptedJSONField, EncryptedTextField
from kindred.plans.content import PlanContent


class TreatmentPlan(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="treatment_plans"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authored_plans"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Treatment plan {self.pk}"


class PlanVersion(models.Model):
    """One revision. Never edited after creation (``review_reminded_at`` aside)."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # PlanContent.model_dump(mode="json"): problems → goals → objectives → interventions.
    content = EncryptedJSONField()
    # What the plan means, in the member's words rather than clinical ones.
    summary = EncryptedTextField()
    # In clear so the reminder sweep can filter on it; a date says nothing clinical.
    review_date = models.DateField()
    review_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["plan", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["plan", "number"], name="plans_one_version_number"),
        ]

    def __str__(self) -> str:
        return f"Plan {self.plan_id} version {self.number}"

    @property
    def parsed(self) -> PlanContent:
        return PlanContent.model_validate(self.content)


class PlanAcknowledgement(models.Model):
    """The member has read version N and agrees to work on it."""

    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["version", "member"], name="plans_one_ack_per_version"),
        ]

    def __str__(self) -> str:
        return f"Acknowledgement of {self.version}"


class PlanComment(models.Model):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment {self.pk} on {self.version}"


class EntryKind(models.TextChoices):
    VALUE = "value", _("Current value")
    ATTAINMENT = "attainment", _("Goal attainment (−2…+2)")


class ObjectiveEntry(models.Model):
    """A therapist's recording against one objective (by its stable key); latest wins."""

    plan = models.ForeignKey(
        TreatmentPlan, on_delete=models.CASCADE, related_name="objective_entries"
    )
    objective_key = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=EntryKind.choices)
    # An integer, kept encrypted like the rest of the plan.
    value = EncryptedTextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} for objective {self.objective_key} of plan {self.plan_id}"
