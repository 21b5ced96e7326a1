"""The API's machinery: the NinjaAPI subclass every version is built from.

The instance, with every app's router mounted, is :mod:`kindred.api_v1`: the apps build on
this one, so it names none of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.urls import URLPattern, URLResolver
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from kindred.api.errors import json_method_not_allowed, refuse_nul_characters
from kindred.api.openapi import document_errors


class KindredAPI(NinjaAPI):
    """A NinjaAPI whose errors are JSON, whose schema documents them, and whose feature
    routers keep the operationIds they were first published with.

    ``published_names`` maps a router's module to that name: a view in such a module has
    the id ``kindred_api_routers_<name>_<view>``, whatever module it lives in now; every
    other view keeps ninja's default.
    """

    def __init__(self, *, published_names: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.published_names = dict(published_names)

    def get_openapi_operation_id(self, operation: Operation) -> str:
        view = operation.view_func
        name = self.published_names.get(view.__module__)
        if name is None:
            return super().get_openapi_operation_id(operation)
        return f"kindred_api_routers_{name}_{view.__name__}"

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = json_method_not_allowed(refuse_nul_characters(pattern.callback))
        return urls

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(schema)
        return schema
