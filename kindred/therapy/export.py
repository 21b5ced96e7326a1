"""The export's part about a therapist's listing (see kindred/core/export.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import User
from kindred.core.export import EXPORT_SECTIONS, ExportSection
from kindred.therapy.models import LICENCE_FIELDS, PLAIN_FIELDS, TherapistProfile


def export_for(user: User) -> dict[str, Any]:
    profile = TherapistProfile.objects.filter(user=user).prefetch_related("facets").first()
    if profile is None:
        return {"profile": None, "licence_checks": []}
    fields = ("status", *LICENCE_FIELDS, *PLAIN_FIELDS, "rejection_reason", "submitted_at")
    record: dict[str, Any] = {name: getattr(profile, name) for name in fields}
    record["verified_at"] = profile.verified_at
    record.update(profile.facet_codes())
    return {
        "profile": record,
        # The decision and the reason given; the staff's evidence notes are their working
        # record of the register they checked.
        "licence_checks": list(
            profile.verifications.order_by("checked_at", "pk").values(
                "decision", "reason", "licence_snapshot", "checked_at"
            )
        ),
    }


EXPORT_SECTIONS.register(
    "therapy",
    ExportSection(
        title=_("Your therapist listing"),
        export_for=export_for,
        parts={"profile": _("Therapist profile"), "licence_checks": _("Licence checks")},
        covers=("therapy.TherapistProfile.user",),
        excluded={
            "therapy.LicenceVerification.checked_by": (
                "Staff's check of another person's licence: exported to that therapist."
            ),
        },
    ),
)
