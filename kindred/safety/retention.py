"""Retention rules of the safety pathway (docs/retention.md)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kindred.core.retention import RETENTION_RULES, Action, RetentionRule, delete_in_batches
from kindred.safety.models import (
    Flag,
    FlagReport,
    FlagStatus,
    SupportConversation,
)


def anonymise_resolved_flags(cutoff: datetime, batch_size: int) -> int:
    """Blank what resolved flags say and whom they are about, keeping the rest.

    Kept: kind, scope, level, score, reason, outcome and the times, so the safety team's
    counts (how many alerts, how fast answered) stay true. Gone: the text, the
    moderator's outcome note, the rule names, where it was written, the person it was
    about and who reported it, and the reports themselves (what reporters wrote).
    ``anonymised_at`` marks the row so a second run leaves it alone.
    """
    due = Flag.objects.filter(
        status=FlagStatus.RESOLVED, resolved_at__lte=cutoff, anonymised_at__isnull=True
    )
    done = 0
    while True:
        pks = list(due.order_by().values_list("pk", flat=True)[:batch_size])
        if not pks:
            return done
        with transaction.atomic():
            FlagReport.objects.filter(flag_id__in=pks).delete()
            Flag.clinicians.through.objects.filter(flag_id__in=pks).delete()
            SupportConversation.objects.filter(flag_id__in=pks).update(flag=None)
            done += Flag.objects.filter(pk__in=pks).update(
                subject=None,
                reporter=None,
                handed_to=None,
                text="",
                outcome_note="",
                signals=[],
                context="",
                source_id="",
                report_key="",
                anonymised_at=timezone.now(),
            )


def purge_quiet_support_conversations(cutoff: datetime, batch_size: int) -> int:
    """Delete support conversations (their messages go with them) silent since ``cutoff``."""
    quiet = SupportConversation.objects.filter(
        Q(last_message_at__lte=cutoff) | Q(last_message_at__isnull=True, created_at__lte=cutoff)
    )
    return delete_in_batches(quiet, batch_size)


RETENTION_RULES.register(
    "safety.flags",
    RetentionRule(
        data="Resolved safety flags: what was written, the moderator's note, reports and "
        "whom they were about",
        action=Action.ANONYMISE,
        setting="RETENTION_RESOLVED_FLAGS_DAYS",
        default_days=365,
        after="after the flag was resolved",
        purge=anonymise_resolved_flags,
        why="A year lets moderators see a pattern of risk come back and answer a complaint "
        "about how a flag was handled. The anonymous row stays for the safety team's "
        "counts. Open flags are never touched.",
    ),
)
RETENTION_RULES.register(
    "safety.support_messages",
    RetentionRule(
        data="Private support conversations after an alert (team or facilitator and member)",
        action=Action.DELETE,
        setting="RETENTION_SUPPORT_MESSAGES_DAYS",
        default_days=365,
        after="after the last message",
        purge=purge_quiet_support_conversations,
        why="Kept as long as the flags they follow, so a returning risk can be met "
        "knowing what was said; a conversation still in use is never touched.",
    ),
)
RETENTION_RULES.register(
    "safety.safety_plan",
    RetentionRule(
        data="The member's safety plan",
        action=Action.KEEP,
        enforced_by="the member (edit or clear it), account deletion",
        why="The member's own tool for a crisis: it must be there when needed.",
    ),
)
