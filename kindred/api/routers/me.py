"""``/me``: who the caller is."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from kindred.api.auth import get_api_user

router = Router(tags=["me"])


class MeOut(Schema):
    id: int
    handle: str
    email: str
    roles: list[str]
    country: str
    timezone: str


@router.get("/me", response=MeOut, summary="The signed-in account")
def get_me(request: HttpRequest) -> MeOut:
    """Your own account. The legal name stays out: it is for clinical work only."""
    user = get_api_user(request)
    return MeOut(
        id=user.pk,
        handle=user.handle,
        email=user.email,
        roles=sorted(user.role_names()),
        country=user.country,
        timezone=user.timezone,
    )
