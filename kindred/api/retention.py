"""Retention rules of API tokens (docs/retention.md)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from kindred.api.models import ApiToken
from kindred.core.retention import RETENTION_RULES, Action, RetentionRule, delete_in_batches


def purge_ended_tokens(cutoff: datetime, batch_size: int) -> int:
    ended = ApiToken.objects.filter(Q(expires_at__lte=cutoff) | Q(revoked_at__lte=cutoff))
    return delete_in_batches(ended, batch_size)


RETENTION_RULES.register(
    "api.tokens",
    RetentionRule(
        data="Expired or revoked API tokens (name, scopes, last use)",
        action=Action.DELETE,
        setting="RETENTION_ENDED_TOKENS_DAYS",
        default_days=30,
        after="after the token expired or was revoked",
        purge=purge_ended_tokens,
        why="An ended token opens nothing; the owner sees it on the tokens page for a "
        "month to understand why a script stopped working. Creating and revoking are in "
        "the audit log.",
    ),
)
