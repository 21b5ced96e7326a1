"""A member's daily mood check-in and where they are in onboarding."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.core.fields import EncryptedTextField


class MoodCheckIn(models.Model):
    """How someone felt on one day of their own calendar, 1 (low) to 5 (good).

    Private to the member: no other person's page reads it. A mood is health
    information, so the score is encrypted (stored as its digit); read it through
    :func:`kindred.today.queries.mood_week`.
    """

    owner = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="mood_checkins"
    )
    day = models.DateField()
    score = EncryptedTextField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["owner", "day"], name="today_mood_once_a_day")
        ]

    def __str__(self) -> str:
        return f"Mood of {self.owner_id} on {self.day}"


class OnboardingReason(models.TextChoices):
    TALK = "talk", _("To talk with people who have been there")
    GROUP = "group", _("To join a support group")
    THERAPY = "therapy", _("To find a therapist")
    UNSURE = "unsure", _("I'm not sure yet")


class Onboarding(models.Model):
    """Created at sign-up; ``finished_at`` once the welcome steps are done or skipped."""

    user = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="onboarding"
    )
    reason = models.CharField(max_length=10, choices=OnboardingReason.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Onboarding of {self.user_id}"
