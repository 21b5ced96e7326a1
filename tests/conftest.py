"""Personas: the people in the system, so every endpoint can be tried as each."""

from __future__ import annotations

import os

import pytest

from kindred.accounts.roles import Role
from tests.factories import UserFactory

# Playwright's sync API runs an event loop; Django's ORM calls inside live-server
# tests are still synchronous, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def member(db):
    return UserFactory(handle="member_maya", email="maya@example.test", roles=[Role.MEMBER])


@pytest.fixture
def member2(db):
    return UserFactory(handle="member_sam", email="sam@example.test", roles=[Role.MEMBER])


@pytest.fixture
def peer_supporter(db):
    return UserFactory(handle="peer_priya", roles=[Role.MEMBER, Role.PEER_SUPPORTER])


@pytest.fixture
def facilitator(db):
    return UserFactory(handle="facil_frank", roles=[Role.MEMBER, Role.FACILITATOR])


@pytest.fixture
def therapist(db):
    return UserFactory(handle="dr_ellis", roles=[Role.THERAPIST], mfa=True)


@pytest.fixture
def therapist2(db):
    return UserFactory(handle="dr_chen", roles=[Role.THERAPIST], mfa=True)


@pytest.fixture
def moderator(db):
    return UserFactory(handle="mod_river", roles=[Role.MODERATOR], mfa=True)


@pytest.fixture
def staff(db):
    return UserFactory(
        handle="staff_kim", roles=[Role.STAFF], mfa=True, is_staff=True, is_superuser=True
    )


@pytest.fixture
def outsider(db):
    """Signed up, verified, but holds no role anywhere relevant."""
    return UserFactory(handle="outsider_olly", roles=[Role.MEMBER])


PERSONAS = (
    "member",
    "member2",
    "peer_supporter",
    "facilitator",
    "therapist",
    "therapist2",
    "moderator",
    "staff",
)


@pytest.fixture
def persona(request):
    """Indirect fixture: parametrize with a persona name (or 'anonymous')."""
    name = request.param
    if name == "anonymous":
        return None
    return request.getfixturevalue(name)


@pytest.fixture
def login(client):
    def _login(user):
        if user is not None:
            client.force_login(user)
        return client

    return _login
