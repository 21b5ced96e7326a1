"""What deleting an account means for the decision guide: saved guides go."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kindred.accounts.deletion import ERASERS, ErasePlan, Eraser
from kindred.guide.models import SavedGuide

if TYPE_CHECKING:
    from kindred.accounts.models import User


def erase(user: User, plan: ErasePlan) -> dict[str, int]:
    return {"saved_guides": SavedGuide.objects.filter(owner=user).delete()[0]}


ERASERS.register("guide", Eraser(erase=erase, models=("guide.SavedGuide",)))
