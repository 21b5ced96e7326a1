"""The site navigation: which items each person sees, decided in one place.

An item is listed only when the person can use what it leads to, and each rule
asks the same access function the view behind the item asks (a therapist or a
moderator without the member role is not offered "Peer support" or "My sessions",
which would answer 404/403). The base template only renders what :func:`nav_for`
returns. Like ``kindred/urls.py`` this module sits above the apps and may import
from any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise, SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from kindred.accounts.access import is_member
from kindred.accounts.middleware import role_for_path
from kindred.accounts.models import User
from kindred.peers.access import can_use_peers


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url: str
    icon: str
    current: bool = False


@dataclass(frozen=True)
class Nav:
    """``main``: the top bar; ``mine``: the person's own tools (the account menu);
    ``work``: the areas of a role (practice, moderation, staff)."""

    main: list[NavItem]
    mine: list[NavItem]
    work: list[NavItem]


def _everyone(user: User | AnonymousUser) -> bool:
    return True


def _visitor_or_member(user: User | AnonymousUser) -> bool:
    # Groups are joined, therapists booked and the guide followed by members
    # (groups.actions.check_can_sign_up, bookings); a visitor sees them to decide to join.
    return not user.is_authenticated or is_member(user)


def _in_role_area(path: str) -> Callable[[User | AnonymousUser], bool]:
    """Areas gated by RoleMFAMiddleware: shown to whoever holds the area's role."""

    def rule(user: User | AnonymousUser) -> bool:
        role = role_for_path(path)
        return bool(user.is_authenticated and role and user.has_role(role))

    return rule


# (key, label, url name, icon, rule)
Entry = tuple[str, Promise, str, str, Callable[[User | AnonymousUser], bool]]

MAIN: tuple[Entry, ...] = (
    ("spaces", _("Spaces"), "community_spaces", "messages-square", _everyone),
    ("groups", _("Groups"), "groups_list", "users", _visitor_or_member),
    ("peers", _("Peer support"), "peers_home", "heart-handshake", can_use_peers),
    ("therapists", _("Therapists"), "therapy_directory", "stethoscope", _visitor_or_member),
    ("guide", _("Decision guide"), "guide", "compass", _visitor_or_member),
)
MINE: tuple[Entry, ...] = (
    ("care", _("My care"), "care_team", "heart", is_member),
    ("sessions", _("My sessions"), "bookings_home", "calendar", is_member),
    ("checkins", _("Check-ins"), "measures_index", "clipboard-list", is_member),
    ("safety_plan", _("My safety plan"), "safety_plan", "shield", is_member),
)
THERAPIST = _in_role_area("/therapist/")
WORK: tuple[Entry, ...] = (
    ("practice", _("My practice"), "therapist_home", "briefcase-medical", THERAPIST),
    ("schedule", _("Schedule"), "therapist_bookings", "calendar-clock", THERAPIST),
    ("clients", _("Clients"), "clinical_clients", "users", THERAPIST),
    ("messages", _("Messages"), "therapist_messages", "mail", THERAPIST),
    ("moderation", _("Moderation queue"), "safety_queue", "flag", _in_role_area("/moderation/")),
    ("staff", _("Staff"), "staff_home", "settings", _in_role_area("/staff/")),
)


def _items(entries: tuple[Entry, ...], user: User | AnonymousUser) -> list[NavItem]:
    return [
        NavItem(key, label, reverse(url_name), icon)
        for key, label, url_name, icon, rule in entries
        if rule(user)
    ]


def _mark_current(items: list[NavItem], path: str) -> str | None:
    """The key of the item whose URL is the longest prefix of ``path`` (one at most)."""
    matches = [i for i in items if path == i.url or (i.url != "/" and path.startswith(i.url))]
    return max(matches, key=lambda i: len(i.url)).key if matches else None


def nav_for(user: User | AnonymousUser, path: str = "") -> Nav:
    lists = [_items(entries, user) for entries in (MAIN, MINE, WORK)]
    current = _mark_current([i for items in lists for i in items], path)
    main, mine, work = (
        [replace(i, current=True) if i.key == current else i for i in items] for items in lists
    )
    return Nav(main=main, mine=mine, work=work)


def nav(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``nav`` for the base template (computed when first used)."""
    return {"nav": SimpleLazyObject(lambda: nav_for(request.user, request.path))}
