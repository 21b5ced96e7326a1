import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from kindred.core.roles import Role
from kindred.therapy import actions
from tests.factories import UserFactory

TODAY = timezone.now().date()


def profile_data(**overrides):
    data = {
        "licence_type": "psychologist",
        "licence_number": "PYL12345",
        "jurisdiction": "England",
        "licence_expires_on": TODAY + dt.timedelta(days=365),
        "in_person_location": "",
        "fee": Decimal("80.00"),
        "currency": "GBP",
        "sliding_scale_min": None,
        "sliding_scale_max": None,
        "accepts_insurance": False,
        "insurance_notes": "",
        "accepting_new_clients": True,
        "introduction": "I help people make sense of low mood and worry.",
        "modality": ["cbt"],
        "specialty": ["depression"],
        "population": ["adults"],
        "language": ["en"],
        "format": ["video"],
    }
    data.update(overrides)
    return data


@pytest.fixture(autouse=True)
def _db(db):
    return db


@pytest.fixture
def make_profile(staff):
    """A therapist's profile taken through the real actions to ``status``."""

    def _make(user=None, status="verified", **overrides):
        if user is None:
            user = UserFactory(roles=[Role.THERAPIST], mfa=True)
        profile = actions.do_save_profile(user, profile_data(**overrides)).profile
        if status in ("submitted", "verified", "rejected"):
            actions.do_submit_for_verification(user)
        if status == "verified":
            actions.do_verify(staff, profile, evidence_notes="Checked on the register.")
        if status == "rejected":
            actions.do_reject(
                staff, profile, reason="Number not found.", evidence_notes="Register."
            )
        profile.refresh_from_db()
        return profile

    return _make
