from __future__ import annotations

import pytest

from kindred.core.roles import Role
from kindred.groups import actions
from kindred.groups.models import GroupFormat
from tests.factories import UserFactory
from tests.groups.factories import make_group, make_session


@pytest.fixture
def group(facilitator, space):
    return make_group(facilitator, space)


@pytest.fixture
def cohort(facilitator, space):
    return make_group(facilitator, space, format=GroupFormat.COHORT, capacity=2, topic="Cohort")


@pytest.fixture
def session(group):
    return make_session(group)


@pytest.fixture
def other_facilitator(db):
    """A facilitator, but not of ``group``."""
    return UserFactory(handle="facil_fern", roles=[Role.MEMBER, Role.FACILITATOR])


@pytest.fixture
def signed_up(group, session, member, member2):
    actions.do_join(member, group, session)
    actions.do_join(member2, group, session)


@pytest.fixture
def live(signed_up, session, facilitator):
    """``session`` with its room open and Maya and Sam signed up."""
    return actions.do_open_session_room(facilitator, session)
