"""Helpers for the decision guide's tests: answers, screening values, listed therapists."""

from __future__ import annotations

from typing import Any

import pytest

from kindred.core.roles import Role
from kindred.guide.questions import GuideAnswers
from kindred.therapy import actions as therapy_actions
from tests.factories import UserFactory
from tests.therapy.conftest import profile_data

SAFE = {"safety_thoughts": "no", "safety_intent": "no", "safety_danger": "no"}


def answers(**overrides: Any) -> GuideAnswers:
    return GuideAnswers.model_validate({**SAFE, **overrides})


def items(total: int, count: int, *, top: int = 3, first: int = 1) -> dict[str, int]:
    """``count`` item answers (ids q<first>…) adding up to ``total``, none above ``top``."""
    values = {}
    left = total
    for number in range(first, first + count):
        value = min(top, left)
        values[f"q{number}"] = value
        left -= value
    assert left == 0, "total too high for the items"
    return values


def phq9(total: int, *, item9: int = 0) -> dict[str, int]:
    """A PHQ-9 adding up to ``total`` with item 9 as given."""
    rest = items(total - item9, 8)
    return {**rest, "q9": item9}


@pytest.fixture
def make_profile(staff):
    """A therapist's profile taken through the real actions; verified (listed) by default."""

    def _make(user=None, status="verified", **overrides):
        if user is None:
            user = UserFactory(roles=[Role.THERAPIST], mfa=True)
        profile = therapy_actions.do_save_profile(user, profile_data(**overrides)).profile
        if status in ("submitted", "verified"):
            therapy_actions.do_submit_for_verification(user)
        if status == "verified":
            therapy_actions.do_verify(staff, profile, evidence_notes="Checked on the register.")
        profile.refresh_from_db()
        return profile

    return _make
