"""Tell a therapist when a plan's review date has come, once per version."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from kindred.audit.actions import record_event
from kindred.core.notifications import do_notify
from kindred.plans import audit_names as plans_audit
from kindred.plans.models import PlanVersion


def send_review_reminders(now: datetime) -> int:
    """Notify the therapist for each current version whose review date has been reached.

    Only a plan's latest version counts (a revision replaces the review date). The
    conditional update marks the version before notifying, so two sweeps running at
    once send one reminder. Returns how many were sent.
    """
    today = timezone.localdate(now)
    due = (
        PlanVersion.objects.filter(review_date__lte=today, review_reminded_at__isnull=True)
        .annotate(latest=Max("plan__versions__number"))
        .select_related("plan__therapist")
        .order_by("pk")
    )
    sent = 0
    for version in due:
        if version.number != version.latest:
            continue
        with transaction.atomic():
            claimed = PlanVersion.objects.filter(
                pk=version.pk, review_reminded_at__isnull=True
            ).update(review_reminded_at=now)
            if not claimed:
                continue
            do_notify(
                [version.plan.therapist],
                kind="plans.review_due",
                title="A treatment plan is due for review",
                url=reverse("therapist_plan", args=[version.plan_id]),
            )
            record_event(
                actor=None,
                event=plans_audit.REVIEW_REMINDER_SENT,
                target=version.plan,
                changes={"version": version.number},
            )
        sent += 1
    return sent
