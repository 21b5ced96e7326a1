"""The export's part about support groups (see kindred/core/export.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import User
from kindred.core.export import EXPORT_SECTIONS, ExportSection
from kindred.groups.models import Attendance, Group, SignUp


def export_for(user: User) -> dict[str, Any]:
    return {
        "signups": list(
            SignUp.objects.filter(user=user)
            .order_by("queued_at", "pk")
            .values(
                "group__topic",
                "session__starts_at",
                "status",
                "queued_at",
                "joined_at",
                "left_at",
            )
        ),
        "attendance": list(
            Attendance.objects.filter(user=user)
            .order_by("session__starts_at", "pk")
            .values(
                "session__group__topic",
                "session__starts_at",
                "joined_room_at",
                "checked_in_at",
                "mood_word",
                "passed",
                "muted_at",
                "mute_reason",
                "removed_at",
                "remove_reason",
                "rating",
                "rated_at",
            )
        ),
        "groups_facilitated": list(
            Group.objects.filter(facilitators=user)
            .order_by("topic", "pk")
            .values("topic", "format", "is_active", "created_at")
        ),
    }


_ROLE_WORK = "Work done as a facilitator or staff on a group everyone shares; not about the person."

EXPORT_SECTIONS.register(
    "groups",
    ExportSection(
        title=_("Support groups"),
        export_for=export_for,
        parts={
            "signups": _("Sign-ups"),
            "attendance": _("Sessions you attended"),
            "groups_facilitated": _("Groups you facilitate"),
        },
        covers=("groups.SignUp.user", "groups.Attendance.user", "groups.Group.facilitators"),
        excluded={
            "groups.Group.created_by": _ROLE_WORK,
            "groups.GroupSession.ended_by": _ROLE_WORK,
            "groups.ReminderSent.user": (
                "A marker that a reminder went out once; the reminder itself was a notification."
            ),
        },
    ),
)
