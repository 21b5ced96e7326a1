"""Who may use the member-only parts of Today: the mood check-in and the welcome steps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from kindred.core.roles import Role

if TYPE_CHECKING:
    from kindred.accounts.models import User


def is_member(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.MEMBER))


def check_member(user: User | AnonymousUser) -> None:
    """A therapist or moderator account without the member role has no mood check-in
    or onboarding: theirs is a working account."""
    if not is_member(user):
        raise PermissionDenied("Only members check in here.")
