"""The member's "who looked at what, and when" page, built from the audit log.

Two kinds of rows: reads of the member's information by someone else (events whose
target is the member's account — a grant used, a therapist reading their results — and
looks at a safety alert on something private they wrote, which name the member and the
reader's role: kindred/safety/access.py ``read_flag``) and the member's own grants and
revocations. Three queries whatever the length.

Consent sits below the apps whose reads it lists, so an app whose read events name the
member in ``changes["member"]`` (rather than targeting the account) registers the event
name here (:func:`register_member_read`, the safety app from its ``ready``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from kindred.accounts.models import User
from kindred.audit.models import AuditEvent
from kindred.consent import audit_names as consent_audit
from kindred.consent.grants import SCOPE_LABELS, USED_EVENT
from kindred.consent.models import ConsentGrant, EndReason
from kindred.core.registry import Registry

LIMIT = 200
# Read events that name the member in ``changes["member"]`` and the reader's role in
# ``changes["role"]``, by the registering app.
MEMBER_READS = Registry[str]("reads that name the member")


def register_member_read(name: str, event: str) -> None:
    MEMBER_READS.register(name, event)


def unregister_member_read(name: str) -> None:
    MEMBER_READS.unregister(name)


EVENT_LABELS = {
    "care.grant.created": "You shared",
    "care.grant.renewed": "You renewed sharing",
    "care.grant.revoked": "You stopped sharing",
}
# Who looked at a safety alert, by the role they looked in. The support team and staff
# are not named to members (as in "Private messages about your safety"); a therapist is.
ROLE_LABELS = {
    "therapist": "your therapist",
    "moderator": "moderator",
    "staff": "staff",
}
ANONYMOUS_ROLES = {"moderator": "The support team", "staff": "Kindred staff"}


@dataclass(frozen=True)
class LogEntry:
    at: datetime
    who: str
    action: str
    what: str
    # The role the reader looked in, where the log records it ("your therapist", …).
    role: str = ""


def _what(event: AuditEvent) -> str:
    changes = event.changes or {}
    scope = changes.get("scope")
    if scope in SCOPE_LABELS:
        return str(SCOPE_LABELS[scope])
    return str(changes.get("what") or "your information")


def access_log_for(member: User) -> list[LogEntry]:
    grant_ids = [
        str(pk) for pk in ConsentGrant.objects.filter(member=member).values_list("pk", flat=True)
    ]
    member_reads = set(MEMBER_READS.values())
    events = list(
        AuditEvent.objects.filter(
            Q(target_type="accounts.user", target_id=str(member.pk))
            & ~Q(actor_id=member.pk)
            & (Q(event=USED_EVENT) | Q(event__endswith=".read"))
            | Q(target_type=consent_audit.GRANT_TARGET_TYPE, target_id__in=grant_ids)
            # Found by the event index, then the member named in the row.
            | Q(event__in=member_reads, changes__member=member.pk) & ~Q(actor_id=member.pk)
        ).order_by("-seq")[:LIMIT]
    )
    ids = {e.actor_id for e in events if e.actor_id is not None}
    grantee_ids = {e.changes.get("grantee_id") for e in events if isinstance(e.changes, dict)} - {
        None
    }
    handles = dict(User.objects.filter(pk__in=ids | grantee_ids).values_list("pk", "handle"))
    entries = []
    for event in events:
        if event.event in EVENT_LABELS and event.actor_id is None:
            # Ended by the system with the relationship (a connection ended, a block).
            grantee = handles.get(event.changes.get("grantee_id"), "a former member")
            reason = str(event.changes.get("reason") or "")
            label = dict(EndReason.choices).get(reason)
            reason = str(label).lower() if label else reason or "the relationship ended"
            entries.append(
                LogEntry(
                    event.at, "Kindred", f"Sharing with {grantee} ended: {reason}", _what(event)
                )
            )
        elif event.event in EVENT_LABELS:
            grantee = handles.get(event.changes.get("grantee_id"), "a former member")
            entries.append(
                LogEntry(
                    event.at, "You", f"{EVENT_LABELS[event.event]} with {grantee}", _what(event)
                )
            )
        elif event.event in member_reads:
            role = str(event.changes.get("role", ""))
            who = ANONYMOUS_ROLES.get(role) or handles.get(
                event.actor_id,  # type: ignore[arg-type]
                "A former member",
            )
            entries.append(
                LogEntry(event.at, who, "Looked at", _what(event), ROLE_LABELS.get(role, role))
            )
        else:
            who = handles.get(event.actor_id, "A former member")  # type: ignore[arg-type]
            entries.append(LogEntry(event.at, who, "Looked at", _what(event)))
    return entries
