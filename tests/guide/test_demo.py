"""The demo's saved guides: two, a month apart, made once."""

from __future__ import annotations

import pytest

from kindred.guide.actions import compare, previous_guide
from kindred.guide.demo import create_demo_guide
from kindred.guide.models import SavedGuide

pytestmark = pytest.mark.django_db


def test_the_demo_member_gets_two_guides_once(member):
    assert create_demo_guide({"member": member}) == 2
    assert create_demo_guide({"member": member}) == 0
    newest, oldest = SavedGuide.objects.filter(owner=member)
    assert previous_guide(newest) == oldest
    _, scores = compare(oldest, newest)
    assert {s.name: s.change for s in scores}["PHQ-9"] == -4
