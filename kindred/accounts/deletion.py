"""Deleting an account: what each app removes, keeps or must finish first.

Accounts sits near the bottom, so it owns the plug-in point and every app that keeps
rows about a person registers into it from its own ``<app>/deletion.py`` (found by
``kindred.rights``, which runs a deletion). An app declares:

* ``erase``: what it removes or anonymises when a deletion falls due, returning counts
  for the audit record (counts only, never content);
* ``models``: the models (``app_label.ModelName``) whose rows about the person it
  removes, so a test can walk every model with a foreign key to the user and find
  each one either erased or ``retained`` with the reason;
* ``retained``: models kept, and why (clinical records within their retention period,
  the consent history, the audit trail);
* ``purge_retained``: what it removes once ``CLINICAL_RETENTION_YEARS`` have passed;
* ``duties``: what an account must hand over before it may delete itself (open flags,
  upcoming sessions), as sentences to show the person;
* ``shown_changed``: called when the person's content is hidden (deletion scheduled)
  or shown again (cancelled), for caches that must forget pages showing it.

Also here: the shared "deleted member" account that anonymised posts are moved to,
and the one rule for "is this author's content shown" while a deletion is pending.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from kindred.core.registry import Registry

if TYPE_CHECKING:
    from kindred.accounts.models import User

# The shared author of anonymised posts. ``.invalid`` can never receive mail, the
# password is unusable and the account is inactive: nobody can sign in as it.
DELETED_MEMBER_EMAIL = "deleted-member@kindred.invalid"
DELETED_MEMBER_HANDLE = "deleted member"


@dataclass(frozen=True)
class ErasePlan:
    """What the member chose and who takes over what is kept anonymously."""

    anonymise_posts: bool
    deleted_member: User


def _nothing(user: User, plan: ErasePlan) -> dict[str, int]:
    return {}


def _no_duties(user: User) -> list[str]:
    return []


def _nothing_kept(user: User) -> dict[str, int]:
    return {}


def _no_cache(user: User) -> None:
    return None


@dataclass(frozen=True)
class Eraser:
    erase: Callable[[User, ErasePlan], dict[str, int]] = _nothing
    models: tuple[str, ...] = ()
    retained: Mapping[str, str] = field(default_factory=dict)
    purge_retained: Callable[[User], dict[str, int]] = _nothing_kept
    duties: Callable[[User], list[str]] = _no_duties
    shown_changed: Callable[[User], None] = _no_cache


# Keys are app labels. Run in registration order (``INSTALLED_APPS`` order).
ERASERS = Registry[Eraser]("account erasers")

# Where to send someone who signs in to an account that is inactive because its
# deletion is pending (``kindred.rights`` registers the "cancel deletion?" page).
# Each answers a response, or None when the account is inactive for another reason.
InactiveResponder = Callable[[HttpRequest, "User"], HttpResponse | None]
INACTIVE_SIGN_IN = Registry[InactiveResponder]("inactive sign-in responses")


def get_deleted_member() -> User:
    from kindred.accounts.models import User

    user, created = User.objects.get_or_create(
        email=DELETED_MEMBER_EMAIL,
        defaults={"handle": DELETED_MEMBER_HANDLE, "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def shown_author(prefix: str = "author") -> Q:
    """Content whose author is shown: an active account, or the shared deleted member.

    An account whose deletion is pending is inactive, so everything it wrote drops
    out of peer spaces at once and comes back if the deletion is cancelled. An account
    staff deactivated drops out the same way.
    """
    return Q(**{f"{prefix}__is_active": True}) | Q(**{f"{prefix}__email": DELETED_MEMBER_EMAIL})


def _erase_accounts(user: User, plan: ErasePlan) -> dict[str, int]:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.contrib.admin.models import LogEntry

    from kindred.accounts.models import LegalAcceptance, UserRole
    from kindred.core.models import IdempotencyKey, Notification, NotificationPreference

    return {
        "roles": UserRole.objects.filter(user=user).delete()[0],
        "legal_acceptances": LegalAcceptance.objects.filter(user=user).delete()[0],
        "email_addresses": EmailAddress.objects.filter(user=user).delete()[0],
        "authenticators": Authenticator.objects.filter(user=user).delete()[0],
        "admin_log_entries": LogEntry.objects.filter(user=user).delete()[0],
        "notifications": Notification.objects.filter(recipient=user).delete()[0],
        "notification_settings": NotificationPreference.objects.filter(user=user).delete()[0],
        "idempotency_keys": IdempotencyKey.objects.filter(user=user).delete()[0],
    }


ERASERS.register(
    "accounts",
    Eraser(
        erase=_erase_accounts,
        models=(
            "accounts.UserRole",
            "accounts.LegalAcceptance",
            "account.EmailAddress",
            "mfa.Authenticator",
            "admin.LogEntry",
            "core.Notification",
            "core.NotificationPreference",
            "core.IdempotencyKey",
        ),
    ),
)
