"""The periodic tasks run the same actions as the command and the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.rights.deletion import do_schedule_deletion
from kindred.rights.deletion_models import AccountDeletion, DeletionState
from kindred.rights.deletion_tasks import purge_expired_retention, run_due_deletions

pytestmark = pytest.mark.django_db


def test_the_hourly_task_erases_due_accounts(member, member2):
    do_schedule_deletion(member, actor=member, now=timezone.now() - timedelta(days=8))
    do_schedule_deletion(member2, actor=member2)
    assert run_due_deletions.call_local() == 1
    assert AccountDeletion.objects.get(state=DeletionState.DONE).erased_at is not None
    assert AccountDeletion.objects.get(state=DeletionState.SCHEDULED).user == member2


def test_the_daily_task_purges_nothing_before_retention_ends(member):
    do_schedule_deletion(member, actor=member, now=timezone.now() - timedelta(days=8))
    run_due_deletions.call_local()
    # Nothing was kept for this member, so the erasure already purged; nothing is left.
    assert purge_expired_retention.call_local() == 0
