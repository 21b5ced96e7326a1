"""The export's part about safety: the safety plan, reports, support (kindred/core/export.py).

A member gets what they wrote that reached the moderators' queue and the state it is
in, not the moderators' signals, scores or notes: those are the team's working
assessment, and showing how the screen scores text would help people get past it.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import User
from kindred.core.export import EXPORT_SECTIONS, ExportSection, handle_of
from kindred.safety.models import (
    Block,
    Flag,
    FlagReport,
    ModeratorDuty,
    SafetyPlan,
    SupportConversation,
    SupportMessage,
)


def _safety_plan(user: User) -> dict[str, Any] | None:
    plan = SafetyPlan.objects.filter(owner=user).first()
    if plan is None:
        return None
    return {
        "sections": plan.sections,
        "reasons_for_living": plan.reasons_for_living,
        "updated_at": plan.updated_at,
    }


def export_for(user: User) -> dict[str, Any]:
    conversations = list(SupportConversation.objects.filter(member=user).order_by("pk"))
    messages: dict[int, list[dict[str, Any]]] = {}
    for m in SupportMessage.objects.filter(conversation__in=conversations).order_by(
        "created_at", "pk"
    ):
        messages.setdefault(m.conversation_id, []).append(
            {"from_you": m.from_member, "body": m.body, "created_at": m.created_at}
        )
    return {
        "safety_plan": _safety_plan(user),
        "flags_about_you": list(
            Flag.objects.filter(subject=user)
            .order_by("created_at", "pk")
            .values("kind", "source_type", "context", "text", "status", "created_at", "resolved_at")
        ),
        "reports_you_made": list(
            FlagReport.objects.filter(reporter=user)
            .order_by("created_at", "pk")
            .values("flag__source_type", "reason", "details", "created_at")
        ),
        "support_conversations": [
            {
                "context": c.context,
                "side": c.side,
                "created_at": c.created_at,
                "messages": messages.get(c.pk, []),
            }
            for c in conversations
        ],
        "blocked": [
            {"handle": handle_of(b.blocked), "created_at": b.created_at}
            for b in Block.objects.filter(blocker=user)
            .select_related("blocked")
            .order_by("created_at", "pk")
        ],
        "moderator_duty": list(
            ModeratorDuty.objects.filter(moderator=user).values("on_duty", "changed_at")
        ),
    }


_MODERATION = "A moderator's or clinician's work on another member's flag: that member's data."

EXPORT_SECTIONS.register(
    "safety",
    ExportSection(
        title=_("Safety"),
        export_for=export_for,
        parts={
            "safety_plan": _("Your safety plan"),
            "flags_about_you": _("What reached the moderators"),
            "reports_you_made": _("Reports you made"),
            "support_conversations": _("Private messages about your safety"),
            "blocked": _("People you blocked"),
            "moderator_duty": _("Moderator duty"),
        },
        covers=(
            "safety.SafetyPlan.owner",
            "safety.Flag.subject",
            "safety.FlagReport.reporter",
            "safety.SupportConversation.member",
            "safety.Block.blocker",
            "safety.ModeratorDuty.moderator",
        ),
        excluded={
            "safety.Flag.reporter": "Covered by the reports (FlagReport) the person made.",
            "safety.Flag.acknowledged_by": _MODERATION,
            "safety.Flag.handed_to": _MODERATION,
            "safety.Flag.resolved_by": _MODERATION,
            "safety.Flag.clinicians": _MODERATION,
            "safety.SupportConversation.staff": _MODERATION,
            "safety.SupportMessage.sender": (
                "Part of a member's support conversation, exported to that member "
                "(their own replies included)."
            ),
            "safety.Block.blocked": (
                "Someone else's choice to block this person; Kindred never tells them."
            ),
        },
    ),
)
