from __future__ import annotations

import pytest

from kindred.care.demo import create_demo_care
from kindred.care.models import Referral
from kindred.consent import grants

pytestmark = pytest.mark.django_db


def test_demo_shares_with_the_team_once(care_team, member, peer_supporter, therapist, outsider):
    users = {"member": member, "peer": peer_supporter, "therapist": therapist, "staff": outsider}
    assert create_demo_care(users) == 3
    assert grants.has_grant(peer_supporter, member, grants.MEASURE_TRENDS)
    assert grants.has_grant(therapist, member, grants.GROUP_ATTENDANCE)
    assert Referral.objects.filter(member=member, author=therapist).count() == 1
    assert create_demo_care(users) == 0


def test_demo_shares_with_nobody_off_the_team(member, peer_supporter):
    assert create_demo_care({"member": member, "peer": peer_supporter}) == 0
