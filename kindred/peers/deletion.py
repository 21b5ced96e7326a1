"""What deleting an account means for peer support.

The profile goes the way a member deleting it would (its vector leaves every index);
connections end and their rows go, so the other person's list no longer names them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from kindred.accounts.deletion import ERASERS, ErasePlan, Eraser
from kindred.peers.actions import do_delete_profile
from kindred.peers.models import Connection, HiddenSuggestion, Rating

if TYPE_CHECKING:
    from kindred.accounts.models import User


def erase(user: User, plan: ErasePlan) -> dict[str, int]:
    profile = int(do_delete_profile(user))
    Connection.objects.filter(ended_by=user).update(ended_by=None)
    Connection.objects.filter(supporter=user).update(supporter=None)
    return {
        "peer_profile": profile,
        "ratings": Rating.objects.filter(rater=user).delete()[0],
        "connections": Connection.objects.filter(Q(requester=user) | Q(recipient=user)).delete()[0],
        "hidden_suggestions": HiddenSuggestion.objects.filter(
            Q(user=user) | Q(hidden=user)
        ).delete()[0],
    }


ERASERS.register(
    "peers",
    Eraser(
        erase=erase,
        models=(
            "peers.PeerProfile",
            "peers.Connection",
            "peers.Rating",
            "peers.HiddenSuggestion",
        ),
    ),
)
