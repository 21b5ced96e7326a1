"""Writing to the audit log. Call inside the transaction that makes the change."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from kindred.audit import audit_names
from kindred.audit.chain import event_hash, find_breaks
from kindred.audit.models import AuditEvent, AuditHead
from kindred.core.clientip import client_ip as request_client_ip


def client_ip(request: Any) -> str | None:
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
    actor: Any,
    event: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    changes: dict[str, Any] | None = None,
    request: Any = None,
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
        fields = {
            "seq": seq,
            "actor_id": actor_id,
            "event": event,
            "target_type": target_type,
            "target_id": str(target_id),
            "changes": changes or {},
            "ip": ip,
            "prev_hash": head.hash,
        }
        digest = event_hash(at=at.isoformat(), **fields)  # type: ignore[arg-type]
        row = AuditEvent.objects.create(at=at, hash=digest, **fields)
        head.seq = seq
        head.hash = digest
        head.save(update_fields=["seq", "hash"])
    return row


def record_read(
    *, actor: Any, target: models.Model, request: Any = None, what: str = ""
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


def verify_chain() -> list[Any]:
    rows = AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)
    head = AuditHead.objects.filter(id=1).first()
    return find_breaks(rows, head)
