"""How a therapist writes to a member from a flag handed over to them.

The message goes in their secure conversation (:mod:`kindred.messaging`: encrypted,
audited, open only while the therapist treats the member). Messaging sits above safety,
since it screens every message, so it registers its sender here instead of being
imported. An install without secure messaging refuses the action with a clear message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kindred.core.registry import Registry

if TYPE_CHECKING:
    from kindred.accounts.models import User


@dataclass(frozen=True)
class Sent:
    conversation_id: int
    message_id: int


# (therapist, member, body) -> what was sent. Raises SafetyActionError with a message
# for the therapist when it cannot be sent; joins the caller's transaction.
Messenger = Callable[["User", "User", str], Sent]

# One messenger at most, under this key (``kindred.messaging`` registers it when ready).
MESSENGER = "messenger"
MESSENGERS = Registry[Messenger]("secure messengers")


def messenger() -> Messenger | None:
    return MESSENGERS.get(MESSENGER, None)
