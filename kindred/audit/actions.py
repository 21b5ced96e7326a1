"""Writing to the audit log. Call inside the transaction that makes the change."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from kindred.audit import audit_names
from kindred.audit.chain import ChainBreak, event_hash, find_breaks
from kindred.audit.models import AuditEvent, AuditHead
from kindred.core.clientip import client_ip as request_client_ip

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kindred.accounts.models import User


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    # X-Forwarded-For is believed only from TRUSTED_PROXIES (kindred.core.clientip).
    return request_client_ip(request) or None


def describe_target(target: models.Model | None) -> tuple[str, str]:
    if target is None:
        return "", ""
    meta = target._meta
    return f"{meta.app_label}.{meta.model_name}", str(target.pk)


def record_event(
    *,
    actor: User | AnonymousUser | None,
    event: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    changes: Mapping[str, object] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event to the chain.

    Joins the caller's transaction when there is one, so the audit row and the
    change it describes commit or roll back together.
    """
    if target is not None:
        target_type, tid = describe_target(target)
        target_id = tid
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        at = timezone.now()
        seq = head.seq + 1
        ip = client_ip(request)
        stored_changes = changes or {}
        digest = event_hash(
            seq=seq,
            at=at.isoformat(),
            actor_id=actor_id,
            event=event,
            target_type=target_type,
            target_id=str(target_id),
            changes=stored_changes,
            ip=ip,
            prev_hash=head.hash,
        )
        row = AuditEvent.objects.create(
            at=at,
            hash=digest,
            seq=seq,
            actor_id=actor_id,
            event=event,
            target_type=target_type,
            target_id=str(target_id),
            changes=stored_changes,
            ip=ip,
            prev_hash=head.hash,
        )
        head.seq = seq
        head.hash = digest
        head.save(update_fields=["seq", "hash"])
    return row


def record_read(
    *,
    actor: User | AnonymousUser | None,
    target: models.Model,
    request: HttpRequest | None = None,
    what: str = "",
) -> AuditEvent:
    """Audit a read of clinical data (the object is the thing read)."""
    target_type, _ = describe_target(target)
    return record_event(
        actor=actor,
        event=audit_names.read_of(target_type),
        target=target,
        changes={"what": what} if what else None,
        request=request,
    )


def verify_chain() -> list[ChainBreak]:
    rows = AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
    head = AuditHead.objects.filter(id=1).first()
    return find_breaks(rows, head)
