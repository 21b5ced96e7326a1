"""What deleting an account means for the API: its tokens go."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kindred.accounts.deletion import ERASERS, ErasePlan, Eraser
from kindred.api.models import ApiToken

if TYPE_CHECKING:
    from kindred.accounts.models import User


def erase(user: User, plan: ErasePlan) -> dict[str, int]:
    return {"api_tokens": ApiToken.objects.filter(user=user).delete()[0]}


ERASERS.register("api", Eraser(erase=erase, models=("api.ApiToken",)))
