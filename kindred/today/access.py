"""Who may use the member-only parts of Today: the mood check-in and the welcome steps."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from kindred.accounts.roles import Role


def is_member(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_role(Role.MEMBER))


def check_member(user: Any) -> None:
    """A therapist or moderator account without the member role has no mood check-in
    or onboarding: theirs is a working account."""
    if not is_member(user):
        raise PermissionDenied("Only members check in here.")
