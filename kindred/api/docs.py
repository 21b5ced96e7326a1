"""The Swagger page under the site's strict CSP.

ninja renders its CDN template (third-party scripts plus an inline script)
unless "ninja" is an installed app. This renders our own template instead,
which loads Swagger UI from the copy inside the installed ninja package,
served by :func:`docs_asset` from our own origin. The settings go in a JSON
data block, which CSP does not treat as a script.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger

from kindred.core.access import NotFound

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"
# Only these files, so the name in the URL can never walk the file system.
ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js", "favicon.svg"})


class LocalSwagger(Swagger):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": dict(self.settings), "api": api}
        return render(request, "api/docs.html", context)


def docs_asset(name: str) -> FileResponse:
    if name not in ASSETS:
        raise NotFound("file")
    content_type, _ = mimetypes.guess_type(name)
    response = FileResponse((ASSET_DIR / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response
