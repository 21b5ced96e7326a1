"""Who may see or revoke which API token: only its owner."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from kindred.accounts.models import User
from kindred.api.models import ApiToken
from kindred.core.access import NotFound


def access_token(user: User | AnonymousUser, token_id: int, *, write: bool = False) -> ApiToken:
    """The user's own token, or :class:`NotFound` (also for someone else's).

    Owners may both read and revoke their tokens, so ``write`` changes nothing
    yet; it is accepted to keep the shape every ``access_*`` function has.
    """
    if not user.is_authenticated:
        raise NotFound("token")
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound("token")
    return token
