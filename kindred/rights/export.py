"""Everything Kindred holds about a member, as one ZIP archive.

The content comes from the sections each app registers in
:data:`kindred.core.export.EXPORT_SECTIONS` (``<app>/export.py``, imported by
:class:`kindred.rights.apps.RightsConfig` through :func:`discover_sections`). The
archive holds:

* ``data.json``: the machine-readable document (GDPR Art. 20: a structured, commonly
  used format), one key per section;
* ``index.html``: the same, readable in a browser (:mod:`kindred.rights.export_html`);
* the sections' own files, e.g. ``fhir/measures.fhir.json``, the questionnaires as a
  FHIR bundle.

These functions only read and build; :mod:`kindred.rights.export_actions` decides,
limits and audits.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import User
from kindred.core.export import EXPORT_SECTIONS, ExportSection, owned_rows

FORMAT = "kindred-export"
FORMAT_VERSION = 1
FOLDER = "kindred-export"


def discover_sections() -> None:
    """Import every installed app's ``export`` module, which registers its section."""
    autodiscover_modules("export")


def sections() -> list[tuple[str, ExportSection]]:
    """The registered sections, the account first, then in registration order."""
    items = list(EXPORT_SECTIONS.items())
    return sorted(items, key=lambda item: item[0] != "accounts")


def count_rows(user: User) -> int:
    return owned_rows(user)


def build_document(user: User) -> dict[str, Any]:
    """The whole export as JSON-ready data (datetimes still objects)."""
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "generated_at": timezone.now(),
        "handle": user.handle,
        "sections": {key: dict(section.export_for(user)) for key, section in sections()},
    }


def to_json(document: dict[str, Any]) -> str:
    return json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


@dataclass(frozen=True)
class Archive:
    content: bytes
    filename: str
    rows: int
    files: tuple[str, ...]


def archive_name() -> str:
    return f"kindred-export-{timezone.now():%Y%m%d}.zip"


def build_archive(user: User, *, rows: int | None = None) -> Archive:
    """The ZIP of ``user``'s export. The caller audits it."""
    from kindred.rights.export_html import render_document

    document = build_document(user)
    files: dict[str, bytes] = {
        "data.json": to_json(document).encode(),
        "index.html": render_document(document).encode(),
    }
    for _key, section in sections():
        if section.attachments is not None:
            for name, content in section.attachments(user).items():
                files[f"fhir/{name}" if name.endswith(".fhir.json") else name] = content
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(f"{FOLDER}/{name}", content)
    return Archive(
        content=buffer.getvalue(),
        filename=archive_name(),
        rows=count_rows(user) if rows is None else rows,
        files=tuple(files),
    )


def _earlier_exports(user: User) -> dict[str, Any]:
    from kindred.rights.export_models import DataExport

    return {
        "exports": list(
            DataExport.objects.filter(user=user)
            .order_by("created_at", "pk")
            .values("status", "rows", "created_at", "ready_at", "expires_at")
        )
    }


EXPORT_SECTIONS.register(
    "rights",
    ExportSection(
        title=_("Your data exports"),
        export_for=_earlier_exports,
        parts={"exports": _("Exports prepared for you")},
        covers=("rights.DataExport.user",),
        excluded={
            "rights.AccountDeletion.user": (
                "a pending deletion signs the member out, so no export can be asked for "
                "while one exists; a cancelled request holds only its dates"
            ),
        },
    ),
)
