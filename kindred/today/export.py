"""The export's part about the Today page: mood check-ins and onboarding
(see kindred/core/export.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import User
from kindred.core.export import EXPORT_SECTIONS, ExportSection
from kindred.today.models import MoodCheckIn, Onboarding


def export_for(user: User) -> dict[str, Any]:
    onboarding = Onboarding.objects.filter(user=user).first()
    return {
        # The score is decrypted: it is the member's own record.
        "mood_check_ins": [
            {"day": row.day, "score": int(row.score), "updated_at": row.updated_at}
            for row in MoodCheckIn.objects.filter(owner=user).order_by("day")
        ],
        "onboarding": (
            {
                "reason": onboarding.reason,
                "created_at": onboarding.created_at,
                "finished_at": onboarding.finished_at,
            }
            if onboarding
            else {}
        ),
    }


EXPORT_SECTIONS.register(
    "today",
    ExportSection(
        title=_("Today"),
        export_for=export_for,
        parts={
            "mood_check_ins": _("Your mood check-ins"),
            "onboarding": _("What brought you here"),
        },
        covers=("today.MoodCheckIn.owner", "today.Onboarding.user"),
    ),
)
