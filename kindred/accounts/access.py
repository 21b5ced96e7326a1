"""Who may act in which role, and whether the account's second factor is in place.

A person without the role gets the same answer as for a page that does not
exist. An account that holds a role needing a second factor (``MFA_REQUIRED_ROLES``)
and has none set up may do nothing but set one up: :func:`check_mfa` is that one
check, applied to every page and API call by
:class:`kindred.accounts.middleware.RoleMFAMiddleware`, to API tokens by
``kindred.api.auth`` and to sockets by :class:`kindred.accounts.sockets.SocketMFAGate`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.utils.translation import gettext

from kindred.core.access import NotFound
from kindred.core.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kindred.accounts.models import User

MFA_REQUIRED_CODE = "mfa_required"


class MFARequired(Exception):
    """The user holds a role that needs a second factor but has not enabled one yet."""

    def __init__(self, role: str) -> None:
        super().__init__(
            gettext("The %(role)s role requires two-factor authentication.") % {"role": role}
        )
        self.role = role


def role_requires_mfa(role: str) -> bool:
    return role in settings.MFA_REQUIRED_ROLES


def has_mfa(user: User) -> bool:
    return bool(is_mfa_enabled(user, types=[Authenticator.Type.TOTP]))


def mfa_roles(user: User | AnonymousUser) -> set[str]:
    """The roles ``user`` holds that need a second factor (none for anonymous)."""
    if not user.is_authenticated:
        return set()
    return user.role_names() & set(settings.MFA_REQUIRED_ROLES)


def needs_mfa_setup(user: User | AnonymousUser) -> bool:
    """True for an account that holds an MFA-only role and has no TOTP authenticator."""
    return user.is_authenticated and bool(mfa_roles(user)) and not has_mfa(user)


def check_mfa(user: User | AnonymousUser) -> None:
    """Raise :class:`MFARequired` unless ``user``'s account has the second factor it needs.

    The factor belongs to the account, not to a page: while the account holds a
    role in ``MFA_REQUIRED_ROLES`` without an active TOTP authenticator, it is
    refused everywhere, whatever it asks for. Anonymous users pass (the views
    decide what they may see).
    """
    roles = mfa_roles(user)
    if roles and user.is_authenticated and not has_mfa(user):
        raise MFARequired(sorted(roles)[0])


def describe_mfa_required(exc: MFARequired) -> dict[str, str]:
    """The JSON body of an API refusal for a missing second factor."""
    return {
        "detail": f"{exc} {gettext('Set it up on the website first.')}",
        "code": MFA_REQUIRED_CODE,
    }


def check_role(user: User | AnonymousUser, role: str) -> None:
    """Raise unless ``user`` may act in ``role`` now.

    Anonymous users and users without the role get :class:`NotFound`; callers
    that serve pages send anonymous users to log in first.
    """
    if not user.is_authenticated or not user.has_role(role):
        raise NotFound("page")
    if role_requires_mfa(role) and not has_mfa(user):
        raise MFARequired(role)


def is_member(user: User | AnonymousUser) -> bool:
    """Whether ``user`` may use the member side (posting, groups, bookings, own care tools)."""
    return bool(user.is_authenticated and user.has_role(Role.MEMBER))
