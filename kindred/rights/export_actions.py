"""Exporting a member's data: limit, build or hand to a task, audit.

``do_request_export`` is the one entry point for the account page and the API. A small
account (``EXPORT_DIRECT_MAX_ROWS`` rows or fewer) gets its archive at once. A larger
one gets a :class:`DataExport` row and a task (:mod:`kindred.rights.export_tasks`)
that writes the archive under ``EXPORT_DIR``, then a notification with a signed link
that works for ``EXPORT_LINK_HOURS``; the sweep deletes file and row after that.

Every archive built is audited (``rights.export_created``) with its row count and how
it was delivered, never its content; fetching a link is audited too.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from kindred.accounts.models import User
from kindred.audit.actions import record_event
from kindred.core.notifications import do_notify
from kindred.core.ratelimit import limit
from kindred.rights import audit_names
from kindred.rights.export import Archive, build_archive, count_rows
from kindred.rights.export_access import export_token, link_lifetime, live_export
from kindred.rights.export_models import DataExport, ExportStatus

RATE_ACTION = "rights.export"
NOTIFICATION_KIND = "rights.export_ready"


@dataclass(frozen=True)
class ExportOutcome:
    """Either the archive itself (small accounts) or the export a task prepares."""

    archive: Archive | None = None
    export: DataExport | None = None


def download_url(export: DataExport) -> str:
    return reverse("rights:export_download", args=[export_token(export)])


def do_request_export(user: User, *, request: Any = None) -> ExportOutcome:
    """Build ``user``'s export now, or have a task build it. An export already being
    prepared, or ready and unexpired, is returned as it is (and not counted again).
    Raises :class:`kindred.core.ratelimit.RateLimited` when asked too often."""
    existing = live_export(user)
    if existing is not None:
        return ExportOutcome(export=existing)
    limit(request, RATE_ACTION, user=user)
    rows = count_rows(user)
    if rows <= settings.EXPORT_DIRECT_MAX_ROWS:
        archive = build_archive(user, rows=rows)
        record_event(
            actor=user,
            event=audit_names.EXPORTED,
            target=user,
            changes={"rows": rows, "delivery": "download", "files": list(archive.files)},
            request=request,
        )
        return ExportOutcome(archive=archive)
    with transaction.atomic():
        export = DataExport.objects.create(user=user, rows=rows)
        record_event(
            actor=user,
            event=audit_names.EXPORT_REQUESTED,
            target=export,
            changes={"rows": rows},
            request=request,
        )
        transaction.on_commit(lambda: _enqueue(export.pk))
    return ExportOutcome(export=export)


def _enqueue(export_id: int) -> None:
    from kindred.rights.export_tasks import build_export_file

    build_export_file(export_id)


def do_build_export_file(export_id: int) -> DataExport | None:
    """Write the archive of a pending export to disk, mark it ready, tell its owner.

    Run by the task; returns None when the export is gone or no longer pending.
    """
    export = (
        DataExport.objects.select_related("user")
        .filter(pk=export_id, status=ExportStatus.PENDING)
        .first()
    )
    if export is None:
        return None
    user = export.user
    try:
        archive = build_archive(user, rows=export.rows)
        directory = settings.EXPORT_DIR
        directory.mkdir(parents=True, exist_ok=True)
        name = f"{secrets.token_hex(16)}.zip"
        partial = directory / f"{name}.part"
        partial.write_bytes(archive.content)
        partial.chmod(0o600)
        partial.replace(directory / name)
    except Exception:
        DataExport.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED)
        raise
    now = timezone.now()
    export.status = ExportStatus.READY
    export.file_name = name
    export.size = len(archive.content)
    export.ready_at = now
    export.expires_at = now + link_lifetime()
    with transaction.atomic():
        export.save(update_fields=["status", "file_name", "size", "ready_at", "expires_at"])
        record_event(
            actor=user,
            event=audit_names.EXPORTED,
            target=user,
            changes={
                "rows": export.rows,
                "delivery": "link",
                "export_id": export.pk,
                "files": list(archive.files),
            },
        )
        do_notify(
            [user],
            kind=NOTIFICATION_KIND,
            title=gettext("Your data export is ready to download"),
            url=reverse("rights:export"),
        )
    return export


def do_record_download(user: User, export: DataExport, *, request: Any = None) -> None:
    record_event(
        actor=user,
        event=audit_names.EXPORT_DOWNLOADED,
        target=export,
        changes={"size": export.size},
        request=request,
    )


def do_delete_expired_exports(now: datetime | None = None) -> int:
    """Delete expired exports (file and row), and ones that failed or were lost more
    than a link's lifetime ago. Returns how many went."""
    now = now or timezone.now()
    stale = DataExport.objects.filter(expires_at__lte=now) | DataExport.objects.filter(
        expires_at__isnull=True, created_at__lte=now - link_lifetime()
    )
    count = 0
    for export in stale:
        export.delete()  # the file goes with the row (export_models._remove_file)
        count += 1
    return count
