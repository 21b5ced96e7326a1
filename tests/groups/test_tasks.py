from __future__ import annotations

from datetime import UTC, datetime

from kindred.groups import tasks
from kindred.groups.models import GroupSession, SessionStatus
from tests.groups.factories import make_group


def test_the_hourly_task_materialises_sessions_for_active_groups(facilitator, space):
    group = make_group(facilitator, space, now=datetime(2020, 1, 1, tzinfo=UTC))
    assert not GroupSession.objects.filter(group=group, starts_at__year=2026).exists()
    assert tasks.materialise_group_sessions.call_local() >= 4
    assert tasks.materialise_group_sessions.call_local() == 0


def test_sweeps_run_without_work(db):
    assert tasks.end_overdue_group_sessions.call_local() == 0
    assert not GroupSession.objects.filter(status=SessionStatus.ENDED).exists()
