"""Who may read teen spaces: teens, and moderators; never adults or visitors.

The band is the one that follows the date of birth, so a teen who turns 18 stops
seeing teen spaces at once, before anything has moved their stored band.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kindred.accounts.models import AgeBand
from kindred.community.access import access_space, visible_spaces
from kindred.core.access import NotFound
from tests.factories import UserFactory

BIRTHDAY = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def teen(db):
    return UserFactory(handle="teen_tia", age_band=AgeBand.TEEN)


def test_a_teen_reads_teen_spaces_and_no_adult_ones(teen, space, teen_space):
    assert access_space(teen, teen_space.slug) == teen_space
    with pytest.raises(NotFound):
        access_space(teen, space.slug)


@pytest.mark.parametrize("who", ["member", "facilitator", "therapist", "anonymous"])
def test_adults_and_visitors_never_read_teen_spaces(request, who, teen_space):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    with pytest.raises(NotFound):
        access_space(user, teen_space.slug)
    assert teen_space not in visible_spaces(user)


def test_moderators_read_teen_spaces_to_moderate_them(moderator, teen_space):
    assert access_space(moderator, teen_space.slug) == teen_space


def test_a_teen_who_turned_18_loses_teen_spaces_before_their_band_is_moved(
    db, time_machine, space, teen_space
):
    time_machine.move_to(BIRTHDAY, tick=False)
    turned = UserFactory(age_band=AgeBand.TEEN, date_of_birth=date(2009, 3, 10))
    assert turned.age_band == AgeBand.TEEN  # not moved yet
    with pytest.raises(NotFound):
        access_space(turned, teen_space.slug)
    assert access_space(turned, space.slug) == space
