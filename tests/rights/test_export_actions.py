"""Asking for an export: at once or by a task, limited, audited, swept away."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.core.models import Notification
from kindred.core.ratelimit import RateLimited
from kindred.rights import audit_names
from kindred.rights.export_access import export_path
from kindred.rights.export_actions import (
    NOTIFICATION_KIND,
    do_delete_expired_exports,
    do_request_export,
)
from kindred.rights.export_models import DataExport, ExportStatus


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"
    return settings.EXPORT_DIR


@pytest.fixture
def large(settings):
    """Every account counts as large: its export goes to the task."""
    settings.EXPORT_DIRECT_MAX_ROWS = 0


def test_a_small_account_gets_its_archive_at_once_and_audited(member):
    outcome = do_request_export(member)
    assert outcome.archive is not None
    assert outcome.archive.content.startswith(b"PK")
    assert not DataExport.objects.exists()
    event = AuditEvent.objects.get(event=audit_names.EXPORTED)
    assert event.actor_id == member.pk
    assert event.target_id == str(member.pk)
    assert event.changes["delivery"] == "download"
    assert event.changes["rows"] == outcome.archive.rows > 0


def test_a_large_account_gets_a_file_built_by_the_task(
    member, large, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = do_request_export(member)
    export = outcome.export
    assert export is not None and outcome.archive is None
    export.refresh_from_db()
    assert export.status == ExportStatus.READY
    assert export_path(export).read_bytes().startswith(b"PK")
    assert export.expires_at - export.ready_at == timedelta(hours=24)
    events = list(
        AuditEvent.objects.filter(event__startswith="rights.").values_list("event", flat=True)
    )
    assert events == [audit_names.EXPORT_REQUESTED, audit_names.EXPORTED]
    assert Notification.objects.filter(recipient=member, kind=NOTIFICATION_KIND).exists()


def test_asking_again_returns_the_live_export_without_counting(
    member, large, rate_limits, django_capture_on_commit_callbacks
):
    rate_limits({"rights.export": "1/h/user"})
    with django_capture_on_commit_callbacks(execute=True):
        first = do_request_export(member).export
    again = do_request_export(member).export
    assert again == first
    assert DataExport.objects.count() == 1


def test_exports_are_rate_limited_per_user(member, member2, rate_limits):
    rate_limits({"rights.export": "2/h/user"})
    do_request_export(member)
    do_request_export(member)
    with pytest.raises(RateLimited):
        do_request_export(member)
    assert do_request_export(member2).archive is not None
    assert AuditEvent.objects.filter(event=audit_names.EXPORTED, actor_id=member.pk).count() == 2


def test_the_sweep_deletes_expired_files_and_rows(
    member, large, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = do_request_export(member).export
    export.refresh_from_db()
    path = export_path(export)
    assert do_delete_expired_exports() == 0
    assert path.exists()
    assert do_delete_expired_exports(now=timezone.now() + timedelta(hours=25)) == 1
    assert not path.exists()
    assert not DataExport.objects.exists()


def test_the_sweep_deletes_exports_that_never_finished(member):
    stuck = DataExport.objects.create(user=member, rows=10)
    DataExport.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(days=2))
    fresh = DataExport.objects.create(user=member, rows=10)
    assert do_delete_expired_exports() == 1
    assert list(DataExport.objects.all()) == [fresh]


def test_a_lost_pending_export_does_not_block_a_new_one(member, large):
    stuck = DataExport.objects.create(user=member, rows=10)
    DataExport.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert do_request_export(member).export != stuck


def test_deleting_the_account_deletes_its_export_files(
    member, large, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export = do_request_export(member).export
    export.refresh_from_db()
    path = export_path(export)
    assert path.exists()
    member.delete()
    assert not path.exists()


def test_a_build_that_breaks_marks_the_export_failed(member, monkeypatch):
    from kindred.rights.export_actions import do_build_export_file

    export = DataExport.objects.create(user=member, rows=10)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("kindred.rights.export_actions.build_archive", broken)
    with pytest.raises(OSError):
        do_build_export_file(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert not AuditEvent.objects.filter(event=audit_names.EXPORTED).exists()
