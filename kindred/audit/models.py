"""An append-only, hash-chained log of who read or changed what.

Each row stores the hash of the previous row, so editing or deleting a row in
the database breaks the chain at that point (``kindred verify_audit``). The ORM
refuses updates and deletes, and database triggers refuse them as well.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    # A plain id, not a foreign key: deleting an account must not rewrite history.
    actor_id = models.BigIntegerField(null=True, blank=True)
    event = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    # What changed, never clinical content: field names, ids, states.
    changes = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ("seq",)
        indexes: ClassVar = [
            models.Index(fields=["target_type", "target_id", "seq"]),
            models.Index(fields=["actor_id", "seq"]),
            models.Index(fields=["event", "seq"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event} {self.target_type}:{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditHead(models.Model):
    """One row: the chain's last sequence number and hash.

    Writers lock it (``select_for_update``) so the chain stays a line, not a tree,
    when several processes write at once.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"head #{self.seq}"
