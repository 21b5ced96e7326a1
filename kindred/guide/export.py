"""The export's part about saved decision guides (see kindred/core/export.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import User
from kindred.core.export import EXPORT_SECTIONS, ExportSection
from kindred.guide.models import SavedGuide


def export_for(user: User) -> dict[str, Any]:
    return {
        "saved_guides": list(
            SavedGuide.objects.filter(owner=user)
            .order_by("created_at", "pk")
            .values("answers", "outcome", "content_version", "created_at")
        )
    }


EXPORT_SECTIONS.register(
    "guide",
    ExportSection(
        title=_("Decision guides"),
        export_for=export_for,
        parts={"saved_guides": _("Guides you saved")},
        covers=("guide.SavedGuide.owner",),
    ),
)
