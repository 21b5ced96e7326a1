from __future__ import annotations

import pytest

from kindred.groups.models import GroupFormat
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
