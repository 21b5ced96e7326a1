"""What deleting an account means for safety: plan, blocks, reports and flags about it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _

from kindred.accounts.deletion import ERASERS, ErasePlan, Eraser
from kindred.safety.models import (
    Block,
    Flag,
    FlagReport,
    FlagStatus,
    ModeratorDuty,
    SafetyPlan,
    SupportConversation,
    SupportMessage,
)

if TYPE_CHECKING:
    from kindred.accounts.models import User

OPEN = (FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED, FlagStatus.HANDED_OVER)


def erase(user: User, plan: ErasePlan) -> dict[str, int]:
    counts = {
        "safety_plans": SafetyPlan.objects.filter(owner=user).delete()[0],
        "blocks": Block.objects.filter(Q(blocker=user) | Q(blocked=user)).delete()[0],
        "flag_reports": FlagReport.objects.filter(reporter=user).delete()[0],
        # Flags about the person hold what they wrote (encrypted): gone with them.
        "flags": Flag.objects.filter(subject=user).delete()[0],
        "support_conversations": SupportConversation.objects.filter(member=user).delete()[0],
        "moderator_duty": ModeratorDuty.objects.filter(moderator=user).delete()[0],
    }
    # What the person did as a moderator or staff stays with the flag, unnamed.
    for name in ("reporter", "acknowledged_by", "handed_to", "resolved_by"):
        Flag.objects.filter(**{name: user}).update(**{name: None})
    SupportConversation.objects.filter(staff=user).update(staff=None)
    SupportMessage.objects.filter(sender=user).update(sender=None)
    Flag.clinicians.through.objects.filter(user=user).delete()
    return counts


def duties(user: User) -> list[str]:
    mine = Q(handed_to=user) | Q(acknowledged_by=user)
    count = Flag.objects.filter(mine, status__in=OPEN).count()
    if not count:
        return []
    return [_("%(count)d open safety flag(s) acknowledged by or handed to you") % {"count": count}]


ERASERS.register(
    "safety",
    Eraser(
        erase=erase,
        duties=duties,
        models=(
            "safety.SafetyPlan",
            "safety.Block",
            "safety.FlagReport",
            "safety.Flag",
            "safety.SupportConversation",
            "safety.SupportMessage",
            "safety.ModeratorDuty",
        ),
    ),
)
