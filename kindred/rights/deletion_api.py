"""``/me/deletion``: schedule the deletion of your account, or cancel it.

Cancelling is for someone whose account is already signed out everywhere (scheduling
did that), so it takes the email address and password in the body instead of a
session or token, like signing in does, and is rate limited the same way as wrong
tokens.
"""

from __future__ import annotations

from datetime import datetime

from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from kindred.accounts.models import User
from kindred.api.auth import get_api_user
from kindred.api.openapi import errors
from kindred.api.schemas import InputSchema
from kindred.core.ratelimit import limit
from kindred.rights.deletion import (
    DeletionError,
    DutiesPending,
    check_schedule_deletion,
    do_cancel_deletion,
    do_schedule_deletion,
    pending_deletion,
)
from kindred.rights.deletion_models import PostsChoice

router = Router(tags=["me"])


class DeletionIn(InputSchema):
    model_config = ConfigDict(extra="forbid")

    password: str | None = Field(
        default=None,
        max_length=4096,
        description="Your password. A browser session that re-authenticated in the "
        "last few minutes may leave it out; a token may not.",
    )
    posts: PostsChoice = Field(
        default=PostsChoice.DELETE,
        description="delete: your community posts are removed; anonymise: they stay, "
        "shown as written by “deleted member”. Replies from others stay either way.",
    )


class DeletionOut(Schema):
    state: str = Field(description="scheduled")
    due_at: datetime = Field(description="When the account is erased, unless cancelled.")
    posts: PostsChoice


class CancelDeletionIn(InputSchema):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=4096)


@router.post(
    "/me/deletion",
    response={202: DeletionOut, **errors(409)},
    summary="Schedule the deletion of your account",
)
def schedule_deletion(request: HttpRequest, payload: DeletionIn) -> Status[dict[str, object]]:
    """After ``ACCOUNT_DELETION_GRACE_DAYS`` (7 by default) everything you wrote in peer
    spaces, your messages, connections, grants, peer profile, safety plan and guides are
    erased; clinical records are kept as long as the host's law requires. Every session
    and token of the account stops working now (this one too). 422 for a wrong
    password; 409 while you have duties to hand over (listed in ``detail``)."""
    user = get_api_user(request)
    recent = getattr(request, "api_token", None) is None and did_recently_reauthenticate(request)
    try:
        check_schedule_deletion(user, password=payload.password, recently_reauthenticated=recent)
    except DutiesPending as refusal:
        raise HttpError(409, str(refusal)) from None
    except DeletionError as refusal:
        raise HttpError(422, str(refusal)) from None
    scheduled = do_schedule_deletion(user, posts=payload.posts, actor=user, request=request)
    deletion = scheduled.deletion
    return Status(
        202, {"state": deletion.state, "due_at": deletion.due_at, "posts": deletion.posts}
    )


@router.delete(
    "/me/deletion",
    auth=None,
    response={204: None, **errors(404)},
    summary="Cancel the deletion of your account",
)
def cancel_deletion(request: HttpRequest, payload: CancelDeletionIn) -> Status[None]:
    """Your email address and password: the account is signed out while its deletion
    is pending. 404 when there is no pending deletion for that email and password
    (the same answer for a wrong password, so it tells nobody whether an account
    exists). Afterwards sign in again and make new tokens."""
    attempt = limit(request, "api.token_failed", user=None)
    user = User.objects.filter(email__iexact=payload.email.strip()).first()
    if user is None:
        # As slow as a wrong password, so the time says nothing about the address.
        make_password(payload.password)
    if user is None or not user.check_password(payload.password) or not pending_deletion(user):
        raise HttpError(404, _("No deletion is pending for that email address and password."))
    attempt.refund()
    do_cancel_deletion(user, request=request)
    return Status(204, None)
