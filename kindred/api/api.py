"""The versioned JSON API, mounted at /api/v1/."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Kindred API",
    version="1",
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
