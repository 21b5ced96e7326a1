"""The export's part about questionnaires (see kindred/core/export.py).

Besides the section, the archive carries the same results as the FHIR bundle that
``/measures/export.fhir.json`` gives (:func:`kindred.measures.actions.do_export_responses`).
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import User
from kindred.core.export import EXPORT_SECTIONS, ExportSection, handle_of
from kindred.measures.access import visible_responses
from kindred.measures.models import Assignment, ResponseDraft


def export_for(user: User) -> dict[str, Any]:
    return {
        "responses": list(
            visible_responses(user)
            .order_by("created_at", "pk")
            .values(
                "instrument_id",
                "instrument_version",
                "answers",
                "total",
                "band",
                "prorated",
                "created_at",
            )
        ),
        "drafts": list(
            ResponseDraft.objects.filter(member=user)
            .order_by("updated_at", "pk")
            .values("instrument_id", "instrument_version", "answers", "step", "updated_at")
        ),
        "assignments": [
            {
                "therapist": handle_of(a.therapist),
                "instrument_id": a.instrument_id,
                "every_days": a.every_days,
                "before_sessions": a.before_sessions,
                "active": a.active,
                "created_at": a.created_at,
                "stopped_at": a.stopped_at,
            }
            for a in Assignment.objects.filter(member=user)
            .select_related("therapist")
            .order_by("created_at", "pk")
        ],
    }


def attachments(user: User) -> dict[str, bytes]:
    from kindred.measures.actions import do_export_responses

    bundle = do_export_responses(user)
    return {"measures.fhir.json": json.dumps(bundle, indent=2, ensure_ascii=False).encode()}


_CLIENTS_RESULTS = (
    "A client's questionnaires, exported to that client rather than to the therapist."
)

EXPORT_SECTIONS.register(
    "measures",
    ExportSection(
        title=_("Questionnaires"),
        export_for=export_for,
        parts={
            "responses": _("Your answers and scores"),
            "drafts": _("Questionnaires you started"),
            "assignments": _("Questionnaires your therapist asked you to fill in"),
        },
        covers=(
            "measures.Response.member",
            "measures.ResponseDraft.member",
            "measures.Assignment.member",
        ),
        excluded={
            "measures.Response.assigned_by": _CLIENTS_RESULTS,
            "measures.Assignment.therapist": _CLIENTS_RESULTS,
            "measures.InstrumentLicence.confirmed_by": (
                "The organisation's record that it may use an instrument, not about the person."
            ),
        },
        attachments=attachments,
    ),
)
