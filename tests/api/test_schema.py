"""The OpenAPI document and the Swagger page."""

from __future__ import annotations

import importlib
import json
import re
import typing
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from ninja import Schema
from pydantic import BaseModel

from kindred.api.docs import ASSETS
from kindred.api_v1 import api

# Every operation's id as first published: a client generated from the document names
# its methods after them (the rule that keeps them is in kindred.api_v1).
PUBLISHED_OPERATION_IDS = Path(__file__).with_name("operation_ids.json")


@pytest.fixture
def schema(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_it_lists_the_endpoints(schema):
    paths = schema["paths"]
    assert set(paths["/api/v1/tokens"]) == {"get", "post"}
    assert set(paths["/api/v1/tokens/{token_id}"]) == {"delete"}
    assert set(paths["/api/v1/me"]) == {"get"}
    assert set(paths["/api/v1/crisis-resources"]) == {"get"}
    assert not any("docs/assets" in p for p in paths)


def test_it_declares_the_bearer_and_session_schemes(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["BrowserSessionAuth"]["in"] == "cookie"
    assert {"TokenAuth": []} in schema["paths"]["/api/v1/me"]["get"]["security"]


def test_operation_ids_stay_as_published(schema):
    """A router moving to another module must not rename its operations; a new
    operation is added to the file on purpose."""
    ids = {
        f"{method.upper()} {path}": operation["operationId"]
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }
    assert ids == json.loads(PUBLISHED_OPERATION_IDS.read_text())


def test_crisis_resources_need_no_auth(schema):
    assert "security" not in schema["paths"]["/api/v1/crisis-resources"]["get"]


def test_the_docs_page_works_under_the_strict_csp(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "http" not in csp
    # No third-party origin and no inline script (a JSON data block is not a script).
    assert "https://" not in html and "//cdn" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag
    assert '<script id="swagger-settings" type="application/json">' in html
    assert "/api/v1/openapi.json" in html


@pytest.mark.parametrize("name", sorted(ASSETS))
def test_the_docs_assets_come_from_our_origin(client, db, name):
    response = client.get(f"/api/v1/docs/assets/{name}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)


@pytest.mark.parametrize("name", ["..%2F..%2Fsettings.py", "redoc.standalone.js", "x"])
def test_only_the_listed_assets_are_served(client, db, name):
    response = client.get(f"/api/v1/docs/assets/{name}")
    assert response.status_code == 404


# --- Schema names -------------------------------------------------------------------


def _schema_classes() -> set[type[BaseModel]]:
    """Every pydantic model the routers use, nested field types included."""
    found: set[type[BaseModel]] = set()

    def visit(annotation: Any) -> None:
        for arg in typing.get_args(annotation):
            visit(arg)
        if (
            isinstance(annotation, type)
            and issubclass(annotation, BaseModel)
            and annotation not in (BaseModel, Schema)
            and annotation not in found
        ):
            found.add(annotation)
            for field in annotation.model_fields.values():
                visit(field.annotation)

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (mounting the API builds its routers)
    modules = {
        operation.view_func.__module__
        for _, router in api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    }
    for name in sorted(modules):
        for value in vars(importlib.import_module(name)).values():
            visit(value)
    return found


def test_no_two_schemas_share_a_name():
    # The OpenAPI components are keyed by class name: a second class with the same
    # name silently replaces the first in the document.
    by_name: dict[str, set[str]] = defaultdict(set)
    for cls in _schema_classes():
        by_name[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    shared = {name: sorted(where) for name, where in by_name.items() if len(where) > 1}
    assert shared == {}


def _component(schema: dict[str, Any], ref: str) -> dict[str, Any]:
    return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_the_instruments_endpoint_documents_its_answer_options(schema):
    ok = schema["paths"]["/api/v1/instruments"]["get"]["responses"]["200"]
    instrument = _component(schema, ok["content"]["application/json"]["schema"]["items"]["$ref"])
    item = _component(schema, instrument["properties"]["items"]["items"]["$ref"])
    option = _component(schema, item["properties"]["options"]["items"]["$ref"])
    assert set(option["properties"]) == {"value", "label"}


def test_the_trend_endpoint_documents_a_members_own_trend(schema):
    ok = schema["paths"]["/api/v1/measures/{instrument}/trend"]["get"]["responses"]["200"]
    trend = _component(schema, ok["content"]["application/json"]["schema"]["$ref"])
    assert set(trend["properties"]) == {"instrument", "points"}
    point = _component(schema, trend["properties"]["points"]["items"]["$ref"])
    assert {"total", "band", "reliable"} <= set(point["properties"])


# --- Error answers in the document ------------------------------------------------------


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield f"{method.upper()} {path}", operation


def test_every_operation_documents_422_and_429_with_retry_after(schema):
    for name, operation in operations(schema):
        responses = operation["responses"]
        assert "422" in responses and "429" in responses, name
        assert responses["429"]["headers"]["Retry-After"]["required"] is True, name
        assert responses["429"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/RateLimitedOut"
        }


def test_auth_path_and_body_errors_are_documented_where_they_can_happen(schema):
    for name, operation in operations(schema):
        codes = set(operation["responses"])
        params = {p["in"] for p in operation.get("parameters", [])}
        assert ({"401", "403"} <= codes) == bool(operation.get("security")), name
        assert ("404" in codes) >= ("path" in params), name
        assert ({"400", "413"} <= codes) == ("requestBody" in operation), name
    assert "401" not in schema["paths"]["/api/v1/crisis-resources"]["get"]["responses"]


@pytest.mark.parametrize(
    "path, method, codes",
    [
        ("/api/v1/peers/profile", "get", {"404"}),
        ("/api/v1/peers/suggestions", "get", {"404"}),
        ("/api/v1/peers/requests", "post", {"404"}),
        ("/api/v1/bookings", "post", {"404", "409"}),
        ("/api/v1/bookings/{booking_id}/reschedule", "post", {"409"}),
        ("/api/v1/care/referrals", "post", {"404"}),
        ("/api/v1/care/referrals/{referral_id}/accept", "post", {"409"}),
        ("/api/v1/plans/{plan_id}/acknowledge", "post", {"409"}),
    ],
)
def test_endpoints_declare_their_own_errors(schema, path, method, codes):
    assert codes <= set(schema["paths"][path][method]["responses"])


def test_a_declared_status_is_not_overwritten(schema):
    conflict = schema["paths"]["/api/v1/spaces/{slug}/threads"]["post"]["responses"]["409"]
    assert conflict["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")


def test_the_error_models_describe_what_the_api_sends(client, db):
    from kindred.api.openapi import ErrorDetailOut, ValidationErrorOut

    unauthorized = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer nope").json()
    assert ErrorDetailOut.model_validate(unauthorized).detail
    invalid = client.get("/api/v1/crisis-resources", {"country": "x" * 50}).json()
    assert ValidationErrorOut.model_validate(invalid).errors


def test_peer_suggestions_and_guide_suggestions_are_two_schemas(schema):
    def item_schema(path, method):
        ref = schema["paths"][path][method]["responses"]["200"]["content"]["application/json"]
        return ref["schema"]

    peers = item_schema("/api/v1/peers/suggestions", "get")["items"]["$ref"].rsplit("/", 1)[1]
    assert "user_id" in schema["components"]["schemas"][peers]["properties"]
    assert "rule" in schema["components"]["schemas"]["GuideSuggestionOut"]["properties"]
