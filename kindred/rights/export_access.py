"""Who may fetch an export file: its owner, signed in, with a link not yet expired.

The link carries a signed, timestamped token naming the export. A valid signature is
not enough: the export must belong to the caller, be ready, and not have expired.
Every refusal is the same :class:`NotFound`, so a link tells nobody else anything.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.utils import timezone

from kindred.accounts.models import User
from kindred.core.access import NotFound
from kindred.rights.export_models import DataExport, ExportStatus

_SALT = "kindred.rights.export-link"
# A pending export older than this was lost (the task died); asking again starts another.
PENDING_GIVE_UP = timedelta(hours=1)


def link_lifetime() -> timedelta:
    return timedelta(hours=settings.EXPORT_LINK_HOURS)


def export_token(export: DataExport) -> str:
    return signing.TimestampSigner(salt=_SALT).sign(str(export.pk))


def export_path(export: DataExport) -> Path:
    return Path(settings.EXPORT_DIR) / export.file_name


def access_export_file(user: User | AnonymousUser, token: str) -> DataExport:
    """The ready export ``token`` names, if it is ``user``'s; else :class:`NotFound`."""
    if not user.is_authenticated:
        raise NotFound("export")
    try:
        export_id = signing.TimestampSigner(salt=_SALT).unsign(token, max_age=link_lifetime())
    except signing.BadSignature:  # SignatureExpired included
        raise NotFound("export") from None
    export = DataExport.objects.filter(
        pk=int(export_id), user_id=user.pk, status=ExportStatus.READY
    ).first()
    if (
        export is None
        or not export.file_name
        or (export.expires_at is not None and export.expires_at <= timezone.now())
        or not export_path(export).is_file()
    ):
        raise NotFound("export")
    return export


def live_export(user: User) -> DataExport | None:
    """``user``'s export being prepared, or ready and not expired: asking again returns
    it rather than building another."""
    now = timezone.now()
    for export in DataExport.objects.filter(
        user_id=user.pk, status__in=[ExportStatus.PENDING, ExportStatus.READY]
    ).order_by("-created_at", "-id")[:1]:
        if export.status == ExportStatus.PENDING and export.created_at > now - PENDING_GIVE_UP:
            return export
        if export.status == ExportStatus.READY and (
            export.expires_at is not None and export.expires_at > now
        ):
            return export
    return None
