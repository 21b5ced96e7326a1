"""The member's data-rights endpoints under /api/v1/me/."""

from __future__ import annotations

from datetime import datetime

from django.http import FileResponse, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Schema, Status

from kindred.api.auth import get_api_user
from kindred.api.schemas import PathText

router = Router(tags=["me"])


# --- Export (kindred.rights.export*) ---------------------------------------------

_ZIP = {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}


class ExportStatusOut(Schema):
    status: str
    detail: str
    download_url: str | None = None
    expires_at: datetime | None = None


@router.get(
    "/me/export",
    response={202: ExportStatusOut},
    summary="Everything Kindred holds about you, as a ZIP",
    openapi_extra={
        "responses": {200: {"description": "The ZIP archive (smaller accounts)", **_ZIP}}
    },
)
def get_export(request: HttpRequest) -> HttpResponse | Status:
    """The archive (``data.json``, ``index.html`` and ``fhir/measures.fhir.json``) at once
    for smaller accounts (200). A larger account's archive is built in the background:
    202 with ``status`` ``pending``, then, when you ask again, ``ready`` with a
    ``download_url`` that works for a day. Limited to a few exports an hour (429)."""
    from kindred.rights.export_access import export_token
    from kindred.rights.export_actions import do_request_export
    from kindred.rights.export_views import zip_response

    outcome = do_request_export(get_api_user(request), request=request)
    if outcome.archive is not None:
        return zip_response(outcome.archive.content, outcome.archive.filename)
    export = outcome.export
    assert export is not None  # one of the two is always set
    if export.file_name:
        return Status(
            202,
            ExportStatusOut(
                status="ready",
                detail="Your export is ready.",
                download_url=request.build_absolute_uri(
                    reverse("api-v1:me_export_file", kwargs={"token": export_token(export)})
                ),
                expires_at=export.expires_at,
            ),
        )
    return Status(
        202,
        ExportStatusOut(
            status="pending", detail="Your export is being prepared; ask again in a few minutes."
        ),
    )


@router.get(
    "/me/export/{token}",
    url_name="me_export_file",
    summary="Download a prepared export",
    openapi_extra={"responses": {200: {"description": "The ZIP archive", **_ZIP}}},
)
def get_export_file(request: HttpRequest, token: PathText) -> FileResponse:
    """The file behind a ``download_url``: only yours, only until it expires (else 404)."""
    from kindred.rights.export_access import access_export_file, export_path
    from kindred.rights.export_actions import do_record_download

    user = get_api_user(request)
    export = access_export_file(user, token)
    do_record_download(user, export, request=request)
    return FileResponse(
        export_path(export).open("rb"),
        as_attachment=True,
        filename=f"kindred-export-{export.created_at:%Y%m%d}.zip",
        content_type="application/zip",
    )


# Deletion (kindred.rights.deletion_api).
router.add_router("", "kindred.rights.deletion_api.router")
