"""What deleting an account means for secure messages with a therapist.

They are correspondence about care, part of the clinical record: kept for
``CLINICAL_RETENTION_YEARS``, then purged. (Peer and room chats are not: see rooms.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kindred.accounts.deletion import ERASERS, Eraser
from kindred.messaging.models import Conversation

if TYPE_CHECKING:
    from kindred.accounts.models import User

KEPT = "clinical record: kept for CLINICAL_RETENTION_YEARS after the deletion, then purged"


def purge_retained(user: User) -> dict[str, int]:
    return {"conversations": Conversation.objects.filter(member=user).delete()[0]}


ERASERS.register(
    "messaging",
    Eraser(
        purge_retained=purge_retained,
        retained={"messaging.Conversation": KEPT, "messaging.Message": KEPT},
    ),
)
