"""What deleting an account means for the therapist directory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kindred.accounts.deletion import ERASERS, ErasePlan, Eraser
from kindred.therapy.models import TherapistProfile

if TYPE_CHECKING:
    from kindred.accounts.models import User


def erase(user: User, plan: ErasePlan) -> dict[str, int]:
    # The listing and its licence checks go; clients' records keep the therapist's id.
    return {"therapist_profile": TherapistProfile.objects.filter(user=user).delete()[0]}


ERASERS.register(
    "therapy",
    Eraser(
        erase=erase,
        models=("therapy.TherapistProfile",),
        retained={
            "therapy.LicenceVerification": (
                "who verified a therapist's licence is part of that therapist's licence "
                "record (staff only)"
            ),
        },
    ),
)
