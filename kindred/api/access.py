"""Who may see or revoke which API token: only its owner."""

from __future__ import annotations

from typing import Any

from kindred.api.models import ApiToken
from kindred.core.access import NotFound


def access_token(user: Any, token_id: int, *, write: bool = False) -> ApiToken:
    """The user's own token, or :class:`NotFound` (also for someone else's).

    Owners may both read and revoke their tokens, so ``write`` changes nothing
    yet; it is accepted to keep the shape every ``access_*`` function has.
    """
    if not getattr(user, "is_authenticated", False):
        raise NotFound("token")
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound("token")
    return token
