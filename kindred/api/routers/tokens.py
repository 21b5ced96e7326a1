"""``/tokens``: your personal access tokens."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from kindred.api.access import access_token
from kindred.api.actions import do_create_token, do_revoke_token, max_age_days
from kindred.api.auth import get_api_user, require_session
from kindred.api.models import ApiToken, Scope
from kindred.api.schemas import InputSchema
from kindred.core.ratelimit import limit

router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The public start of the token, to recognise it.")
    scopes: list[Scope]
    status: str = Field(description="active, expired or revoked")
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The token itself. Shown this once; store it now.")


def describe_token(token: ApiToken) -> dict[str, object]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.display_prefix,
        "scopes": token.scopes,
        "status": token.status(),
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
    }


class TokenIn(InputSchema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    scopes: list[Scope] = Field(min_length=1, description="read, write (write includes read)")
    expires_in_days: int | None = Field(
        default=None,
        ge=1,
        le=max_age_days(),
        description="Days until the token stops working; empty for the longest allowed.",
    )


@router.get("/tokens", response=list[TokenOut], summary="Your tokens")
def list_tokens(request: HttpRequest) -> list[dict[str, object]]:
    """All your tokens, newest first. Secrets are never shown again."""
    tokens = ApiToken.objects.filter(user=get_api_user(request)).order_by("-created_at", "-pk")
    return [describe_token(t) for t in tokens]


@router.post("/tokens", response={201: TokenCreatedOut}, summary="Create a token")
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    """Website session only: a token cannot make more tokens. 429 when you have made
    as many as one person may in an hour."""
    require_session(request)
    limit(request, "tokens.create", user=get_api_user(request))
    try:
        token, plaintext = do_create_token(
            get_api_user(request),
            name=payload.name,
            scopes=payload.scopes,
            expires_in_days=payload.expires_in_days,
            request=request,
        )
    except ValueError as error:
        raise HttpError(422, str(error)) from None
    return Status(201, {**describe_token(token), "token": plaintext})


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke a token")
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    token = access_token(get_api_user(request), token_id, write=True)
    do_revoke_token(get_api_user(request), token, request=request)
    return Status(204, None)
