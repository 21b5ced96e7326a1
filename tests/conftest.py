"""Personas: the people in the system, so every endpoint can be tried as each."""

from __future__ import annotations

import os

import pytest

from kindred.accounts.roles import Role
from tests.factories import UserFactory

# Playwright's sync API runs an event loop; Django's ORM calls inside live-server
# tests are still synchronous, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rate limits, page cache, versions)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def rate_limits(settings):
    """Small limits for one test: ``rate_limits({"community.reply": "2/m/user"})``."""

    def _set(rates):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, **rates}

    return _set


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


# --- Community --------------------------------------------------------------------


@pytest.fixture
def space(db):
    from kindred.community.models import Space

    return Space.objects.get(slug="depression-anxiety")


@pytest.fixture
def teen_space(db):
    from kindred.community.models import Space

    return Space.objects.get(slug="teen-support")


@pytest.fixture
def members_space(db):
    from kindred.community.models import Space, Visibility

    return Space.objects.create(
        slug="members-corner",
        name="Members' corner",
        description="Only for signed-in members.",
        guidelines="Be kind.",
        visibility=Visibility.MEMBERS,
    )


class Writer:
    """Post as someone through the real actions, accepting the guidelines first."""

    def __call__(self, user, space, title="Finding my feet", body="Some days are harder.", **kw):
        from kindred.community import actions

        actions.do_accept_guidelines(user, space)
        return actions.do_create_thread(user, space, title=title, body=body, **kw).post.thread

    def reply(self, user, thread_, body="You're not alone in this.", **kw):
        from kindred.community import actions

        actions.do_accept_guidelines(user, thread_.space)
        return actions.do_reply(user, thread_, body=body, **kw).post


@pytest.fixture
def write(db):
    return Writer()
