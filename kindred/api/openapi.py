"""The error answers every operation shares, written into the OpenAPI document.

ninja documents only what a view returns; the errors come from
:mod:`kindred.api.errors` (and ninja's own validation), whichever endpoint raised them.
Each operation gets the ones that can reach it:

* 422 everywhere: ninja's validation or an action's refusal, and for any operation a
  NUL character in the path, query or body (:func:`kindred.api.errors.refuse_nul_characters`);
* 401 and 403 (wrong token, missing scope or second factor, CSRF) when it has security;
* 404 when it names something in its path (missing and not-yours look the same);
* 400 (not JSON) and 413 (too large) when it takes a body;
* 429 with ``Retry-After`` everywhere: the API-wide limit applies to every operation.

Other codes an endpoint can answer (a 404 for something named in the body, a 409)
are declared on the endpoint itself with the schemas below.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.openapi.schema import REF_TEMPLATE


class ErrorDetailOut(Schema):
    detail: str = Field(description="What went wrong, for people.")
    code: str | None = Field(
        default=None, description="For programs, when there is one (e.g. mfa_required)."
    )


class ValidationErrorOut(Schema):
    detail: str = Field(description="The problems, for people.")
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="ninja's list (type, loc, msg) when the request did not parse."
    )


class RateLimitedOut(Schema):
    detail: str
    code: str = Field(description="rate_limited")
    retry_after: int = Field(description="Seconds until you may try again.")


ERROR_DESCRIPTIONS = {
    400: "The body is not JSON",
    401: "Unauthorized: a bearer token that is wrong, expired or revoked",
    403: "Forbidden: the token lacks the scope, the account needs a second factor, or the rule says no",
    404: "Not found, or not yours",
    409: "Conflict with the current state",
    413: "The request body is too large",
    422: "Invalid request",
    429: "Too many requests",
}
_MODELS: dict[int, type[Schema]] = {422: ValidationErrorOut, 429: RateLimitedOut}


def errors(*statuses: int) -> dict[int, type[Schema]]:
    """An endpoint's own error statuses, to add to its ``response`` mapping:
    ``response={201: BookingOut, **errors(404, 409)}``."""
    return dict.fromkeys(statuses, ErrorDetailOut)


def error_response(status: int) -> dict[str, Any]:
    """The OpenAPI response object for one error status."""
    model = _MODELS.get(status, ErrorDetailOut)
    response: dict[str, Any] = {
        "description": ERROR_DESCRIPTIONS[status],
        "content": {
            "application/json": {"schema": {"$ref": REF_TEMPLATE.format(model=model.__name__)}}
        },
    }
    if status == 429:
        response["headers"] = {
            "Retry-After": {
                "description": "Seconds until you may try again.",
                "required": True,
                "schema": {"type": "integer"},
            }
        }
    return response


def error_statuses(operation: dict[str, Any]) -> list[int]:
    """The shared error statuses one operation (an OpenAPI operation object) can answer."""
    parameters = operation.get("parameters") or []
    has_body = "requestBody" in operation
    statuses = [422, 429]
    if operation.get("security"):
        statuses += [401, 403]
    if any(p.get("in") == "path" for p in parameters):
        statuses.append(404)
    if has_body:
        statuses += [400, 413]
    return sorted(statuses)


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the shared error responses to every operation of ``schema`` (in place); a
    status an endpoint declares itself is left as it is."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorDetailOut, ValidationErrorOut, RateLimitedOut):
        components.setdefault(model.__name__, model.model_json_schema(ref_template=REF_TEMPLATE))
    for path_item in schema.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            declared = {int(code) for code in responses if str(code).isdigit()}
            for status in error_statuses(operation):
                if status not in declared:
                    # ninja keys responses by int; JSON makes them strings anyway.
                    responses[status] = error_response(status)
    return schema
