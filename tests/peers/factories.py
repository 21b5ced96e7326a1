"""Peer profiles and connections for tests, made through the real actions where it matters."""

from __future__ import annotations

from typing import Any

from kindred.core.roles import Role
from kindred.peers import actions
from kindred.peers.models import Connection, PeerProfile
from tests.factories import UserFactory

DEFAULTS: dict[str, Any] = {
    "tags": ["bereavement.parent"],
    "story": "",
    "languages": ["en"],
    "timezone": "Europe/London",
    "availability": ["mon_evening", "wed_evening"],
    "seeks": "support",
    "gender": "",
    "age_range": "",
    "wants_genders": [],
    "wants_age_ranges": [],
    "is_listed": True,
}


def make_profile(user: Any, **fields: Any) -> PeerProfile:
    """A profile saved by ``do_save_profile`` (screened, embedded, audited)."""
    data = {**DEFAULTS, **fields}
    return actions.do_save_profile(user, data).profile


def make_supporter(handle: str | None = None, **fields: Any) -> Any:
    user = UserFactory(
        **({"handle": handle} if handle else {}), roles=[Role.MEMBER, Role.PEER_SUPPORTER]
    )
    make_profile(user, **{"seeks": "give_support", **fields})
    return user


def make_member(handle: str | None = None, **fields: Any) -> Any:
    user = UserFactory(**({"handle": handle} if handle else {}), roles=[Role.MEMBER])
    make_profile(user, **fields)
    return user


def connect(requester: Any, recipient: Any, note: str = "") -> Connection:
    """A pending request from ``requester`` to ``recipient``."""
    return actions.do_request(requester, recipient.pk, note).connection


def connected(requester: Any, recipient: Any) -> Connection:
    """An active connection (the recipient accepted)."""
    return actions.do_accept(recipient, connect(requester, recipient))
