"""What deleting an account means for care: referrals are clinical records.

Grants and default-access opt-outs are the consent app's (:mod:`kindred.consent.deletion`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kindred.accounts.deletion import ERASERS, Eraser
from kindred.care.models import Referral

if TYPE_CHECKING:
    from kindred.accounts.models import User


def purge_retained(user: User) -> dict[str, int]:
    return {"referrals": Referral.objects.filter(member=user).delete()[0]}


ERASERS.register(
    "care",
    Eraser(
        # Nothing is erased at once: a referral is kept with the clinical record.
        purge_retained=purge_retained,
        retained={
            "care.Referral": (
                "a therapist's referral is part of the clinical record: kept for "
                "CLINICAL_RETENTION_YEARS, then purged"
            ),
        },
    ),
)
