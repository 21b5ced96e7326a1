"""Consent grants (what a member shares with whom) and the defaults a member switched off.

Grant rows are never deleted: revoking stamps ``revoked_at`` so the history of who
could see what stays readable next to the audit log.

The tables keep the names they had when these models lived in the care app
(``care_consentgrant``, ``care_defaultaccessoptout``): the move changed no data.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    MEASURE_TRENDS = "measure_trends", _("My questionnaire results over time")
    PLAN_GOALS = "plan_goals", _("The goals in my treatment plan (not my therapist's notes)")
    GROUP_ATTENDANCE = "group_attendance", _("The groups I have attended")
    SAFETY_PLAN = "safety_plan", _("My safety plan")


class EndReason(models.TextChoices):
    """Why a grant stopped counting before its end date. Everything but ``revoked`` is
    Kindred ending it because the relationship it was given for ended."""

    REVOKED = "revoked", _("You stopped sharing")
    CONNECTION_ENDED = "connection_ended", _("The peer connection ended")
    BLOCKED = "blocked", _("One of you blocked the other")
    LEFT_GROUP = "left_group", _("You left the group")
    GROUP_ARCHIVED = "group_archived", _("The group stopped meeting")
    THERAPY_ENDED = "therapy_ended", _("Your therapy ended (no upcoming sessions)")
    THERAPY_DISCHARGED = "therapy_discharged", _("Your therapist ended your therapy")
    THERAPY_LAPSED = "therapy_lapsed", _("No session with this therapist for a long time")
    ACCOUNT_CLOSED = "account_closed", _("An account was closed")


class ConsentGrant(models.Model):
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_grants_given"
    )
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_grants_received"
    )
    scope = models.CharField(max_length=20, choices=Scope.choices)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set with ``revoked_at``: by the member ("revoked") or by the end of the relationship.
    ended_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)

    class Meta:
        db_table = "care_consentgrant"
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            # One live grant per person and scope; granting again renews it.
            models.UniqueConstraint(
                fields=["member", "grantee", "scope"],
                condition=Q(revoked_at__isnull=True),
                name="care_one_live_grant_per_scope",
            ),
        ]
        indexes: ClassVar = [
            # has_grant and "shared with me" look grants up from the grantee's side.
            models.Index(fields=["grantee", "member", "scope"], name="care_grant_grantee_idx"),
            models.Index(fields=["member", "revoked_at"], name="care_grant_member_idx"),
        ]

    def __str__(self) -> str:
        return f"grant {self.pk}: {self.scope} of {self.member_id} to {self.grantee_id}"

    def is_active(self, now: datetime | None = None) -> bool:
        moment = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > moment)

    def status(self, now: datetime | None = None) -> str:
        """``active``, ``expired`` (its end date passed) or ``ended`` (see ``ended_reason``)."""
        if self.revoked_at is not None:
            return "ended"
        return "active" if self.is_active(now) else "expired"


class DefaultAccessOptOut(models.Model):
    """A member switched off one default access (a key of
    :data:`kindred.consent.visibility.DEFAULTS`). No row: the default stands."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_default_opt_outs"
    )
    key = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "care_defaultaccessoptout"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["member", "key"], name="care_one_opt_out_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} switched off {self.key}"
