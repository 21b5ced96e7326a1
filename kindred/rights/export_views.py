"""The account page's export: ask for it, follow a large one, fetch the file."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from kindred.core.http import AuthedHttpRequest
from kindred.core.ratelimit import RateLimited, too_many_requests
from kindred.rights.export_access import access_export_file, export_path, live_export
from kindred.rights.export_actions import do_record_download, do_request_export, download_url
from kindred.rights.export_models import DataExport, ExportStatus


def zip_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _page(request: AuthedHttpRequest, refusal: RateLimited | None = None) -> HttpResponse:
    export = live_export(request.user)
    response = render(
        request,
        "rights/export.html",
        {
            "export": export,
            "download_url": download_url(export) if export and export.file_name else "",
            "refusal": refusal,
            "failed": export is None
            and DataExport.objects.filter(user=request.user, status=ExportStatus.FAILED).exists(),
        },
    )
    return too_many_requests(response, refusal) if refusal else response


@login_required
@require_http_methods(["GET", "POST"])
def export(request: AuthedHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request)
    try:
        outcome = do_request_export(request.user, request=request)
    except RateLimited as refusal:
        return _page(request, refusal)
    if outcome.archive is not None:
        return zip_response(outcome.archive.content, outcome.archive.filename)
    return redirect("rights:export")


@login_required
@require_GET
def export_download(request: AuthedHttpRequest, token: str) -> FileResponse:
    data_export = access_export_file(request.user, token)
    do_record_download(request.user, data_export, request=request)
    response = FileResponse(
        export_path(data_export).open("rb"),
        as_attachment=True,
        filename=f"kindred-export-{data_export.created_at:%Y%m%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store"
    return response
