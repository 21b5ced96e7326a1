"""Who may reach which role's pages: the one place that decides it.

A person without the role gets the same answer as for a page that does not
exist. A person with a role that needs a second factor, who has not set one up,
is sent to set it up first.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings

from kindred.core.access import NotFound


class MFARequired(Exception):
    """The user holds the role but has not enabled a second factor yet."""

    def __init__(self, role: str) -> None:
        super().__init__(f"The {role} role requires two-factor authentication.")
        self.role = role


def role_requires_mfa(role: str) -> bool:
    return role in settings.MFA_REQUIRED_ROLES


def has_mfa(user: Any) -> bool:
    return bool(is_mfa_enabled(user, types=[Authenticator.Type.TOTP]))


def needs_mfa_setup(user: Any) -> bool:
    """True for an account that holds an MFA-only role and has no TOTP authenticator."""
    if not user.is_authenticated:
        return False
    return bool(user.role_names() & set(settings.MFA_REQUIRED_ROLES)) and not has_mfa(user)


def check_role(user: Any, role: str) -> None:
    """Raise unless ``user`` may act in ``role`` now.

    Anonymous users and users without the role get :class:`NotFound`; callers
    that serve pages send anonymous users to log in first.
    """
    if not user.is_authenticated or not user.has_role(role):
        raise NotFound("page")
    if role_requires_mfa(role) and not has_mfa(user):
        raise MFARequired(role)
