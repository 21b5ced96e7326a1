"""Recording a mood check-in, and finishing (or skipping) onboarding."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from kindred.audit.actions import record_event
from kindred.today import audit_names as today_audit
from kindred.today.models import MoodCheckIn, Onboarding, OnboardingReason

if TYPE_CHECKING:
    from kindred.accounts.models import User

MOOD_SCORES = range(1, 6)


class TodayError(ValueError):
    pass


def check_mood_score(value: object) -> int:
    try:
        # Through str: 2.5 is refused, not rounded down.
        score = int(str(value))
    except (TypeError, ValueError):
        raise TodayError(gettext("Choose how you feel, from 1 to 5.")) from None
    if score not in MOOD_SCORES:
        raise TodayError(gettext("Choose how you feel, from 1 to 5."))
    return score


def do_record_mood(
    user: User, score: int, day: datetime.date, *, request: HttpRequest | None = None
) -> MoodCheckIn:
    """Store ``user``'s mood for ``day`` (their own calendar), replacing one given earlier
    that day. The audit row says that a check-in was recorded, never the score."""
    score = check_mood_score(score)
    with transaction.atomic():
        entry, _ = MoodCheckIn.objects.select_for_update().get_or_create(
            owner=user, day=day, defaults={"score": str(score)}
        )
        entry.score = str(score)
        entry.updated_at = timezone.now()
        entry.save(update_fields=["score", "updated_at"])
        record_event(
            actor=user,
            event=today_audit.MOOD_RECORDED,
            target=entry,
            changes={"day": day.isoformat()},
            request=request,
        )
    return entry


def do_finish_onboarding(
    user: User,
    *,
    reason: str = "",
    profile: dict[str, str] | None = None,
    request: HttpRequest | None = None,
) -> Onboarding:
    """Mark the welcome steps done (or skipped, with no ``reason``) and save the country
    and time zone the browser suggested, when given."""
    from kindred.accounts.actions import do_update_profile

    if reason and reason not in OnboardingReason.values:
        raise TodayError(gettext("Choose one of the options."))
    with transaction.atomic():
        onboarding, _ = Onboarding.objects.select_for_update().get_or_create(user=user)
        onboarding.finished_at = timezone.now()
        if reason:
            onboarding.reason = reason
        onboarding.save(update_fields=["finished_at", "reason"])
        if profile:
            do_update_profile(user, profile, request=request)
        record_event(
            actor=user,
            event=today_audit.ONBOARDING_FINISHED,
            target=onboarding,
            changes={"skipped": not reason},
            request=request,
        )
    return onboarding
