from __future__ import annotations

from kindred.core.roles import Role
from kindred.groups.demo import create_demo_groups
from kindred.groups.models import Group, SignUp
from tests.factories import UserFactory


def test_demo_groups_are_created_once(db):
    users = {
        "facilitator": UserFactory(roles=[Role.MEMBER, Role.FACILITATOR], timezone="Europe/Dublin"),
        "member": UserFactory(),
        "member2": UserFactory(),
    }
    assert create_demo_groups(users) == 3
    assert create_demo_groups(users) == 0
    assert Group.objects.count() == 3
    assert all(
        g.facilitators.filter(pk=users["facilitator"].pk).exists() for g in Group.objects.all()
    )
    assert SignUp.objects.filter(user=users["member"]).count() == 2
    assert Group.objects.get(format="popup").opened_at is None
