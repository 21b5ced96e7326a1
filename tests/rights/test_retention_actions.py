"""The daily sweep: every rule applied, counted in the audit log, idempotent, bounded."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kindred.audit.actions import verify_chain
from kindred.audit.models import AuditEvent
from kindred.core.models import Notification
from kindred.core.retention import RETENTION_RULES
from kindred.rights import audit_names
from kindred.rights.retention_actions import do_apply_retention
from kindred.rights.retention_tasks import apply_retention


def _old_notifications(member, count: int, days_ago: int = 100) -> None:
    Notification.objects.bulk_create(
        Notification(recipient=member, kind="test", title="Hello") for _ in range(count)
    )
    Notification.objects.update(created_at=timezone.now() - timedelta(days=days_ago))


def test_it_applies_every_purging_rule_and_audits_the_counts(member, settings):
    settings.RETENTION_NOTIFICATIONS_DAYS = 90
    _old_notifications(member, 3)
    counts = do_apply_retention()
    purging = {key for key, rule in RETENTION_RULES.items() if rule.purge is not None}
    assert set(counts) == purging
    assert counts["core.notifications"] == 3
    assert not Notification.objects.exists()
    event = AuditEvent.objects.get(event=audit_names.RETENTION_APPLIED)
    assert event.actor_id is None
    assert event.changes["counts"] == counts
    assert event.changes["days"]["core.notifications"] == 90
    # Counts and periods only: nothing anyone wrote.
    assert "Hello" not in str(event.changes)
    assert verify_chain() == []


def test_a_second_run_changes_nothing(member):
    _old_notifications(member, 2)
    assert sum(do_apply_retention().values()) == 2
    assert sum(do_apply_retention().values()) == 0
    assert AuditEvent.objects.filter(event=audit_names.RETENTION_APPLIED).count() == 2


def test_recent_rows_stay(member, settings):
    settings.RETENTION_NOTIFICATIONS_DAYS = 90
    _old_notifications(member, 2, days_ago=89)
    assert do_apply_retention()["core.notifications"] == 0
    assert Notification.objects.count() == 2


def test_queries_grow_with_batches_not_rows(member):
    def queries_for(rows: int) -> int:
        Notification.objects.all().delete()
        _old_notifications(member, rows)
        with CaptureQueriesContext(connection) as ctx:
            do_apply_retention(batch_size=100)
        return len(ctx.captured_queries)

    queries_for(1)  # the first run creates the audit head and warms caches
    assert queries_for(3) == queries_for(60)


def test_the_task_returns_the_rows_it_changed(member):
    _old_notifications(member, 4)
    assert apply_retention.call_local() == 4
