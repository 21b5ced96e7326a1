"""What deleting an account means for the Today page: mood check-ins and onboarding go."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kindred.accounts.deletion import ERASERS, ErasePlan, Eraser
from kindred.today.models import MoodCheckIn, Onboarding

if TYPE_CHECKING:
    from kindred.accounts.models import User


def erase(user: User, plan: ErasePlan) -> dict[str, int]:
    return {
        "mood_check_ins": MoodCheckIn.objects.filter(owner=user).delete()[0],
        "onboarding": Onboarding.objects.filter(user=user).delete()[0],
    }


ERASERS.register("today", Eraser(erase=erase, models=("today.MoodCheckIn", "today.Onboarding")))
