"""What deleting an account means for consent: every grant ends, either way.

Grant rows are kept, revoked, as the record of who could see what and when (no
content); they go when the clinical records do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from kindred.accounts.deletion import ERASERS, ErasePlan, Eraser
from kindred.audit.actions import record_event
from kindred.consent import audit_names as consent_audit
from kindred.consent.models import ConsentGrant, DefaultAccessOptOut, EndReason

if TYPE_CHECKING:
    from kindred.accounts.models import User


def erase(user: User, plan: ErasePlan) -> dict[str, int]:
    now = timezone.now()
    live = ConsentGrant.objects.select_for_update().filter(
        Q(member=user) | Q(grantee=user), revoked_at__isnull=True
    )
    ended = 0
    for grant in live:
        grant.revoked_at = now
        grant.ended_reason = EndReason.ACCOUNT_CLOSED
        grant.save(update_fields=["revoked_at", "ended_reason"])
        record_event(
            actor=None,
            event=consent_audit.GRANT_REVOKED,
            target_type=consent_audit.GRANT_TARGET_TYPE,
            target_id=grant.pk,
            changes={"scope": grant.scope, "reason": "account_deleted"},
        )
        ended += 1
    opt_outs = DefaultAccessOptOut.objects.filter(member=user).delete()[0]
    return {"grants_ended": ended, "default_access_opt_outs": opt_outs}


def purge_retained(user: User) -> dict[str, int]:
    return {
        "grants": ConsentGrant.objects.filter(Q(member=user) | Q(grantee=user)).delete()[0],
    }


ERASERS.register(
    "consent",
    Eraser(
        erase=erase,
        models=("consent.DefaultAccessOptOut",),
        purge_retained=purge_retained,
        retained={
            "consent.ConsentGrant": (
                "revoked at once; kept (no content) as the record of who could see what, "
                "purged with the clinical records"
            ),
        },
    ),
)
