"""Teen groups: open to teens and to the group's facilitators, never to other adults."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kindred.accounts.models import AgeBand
from kindred.core.access import NotFound
from kindred.groups import actions
from kindred.groups.access import access_group, can_join_room
from tests.factories import UserFactory, years_ago
from tests.groups.factories import make_group, make_session


@pytest.fixture
def teen(db):
    return UserFactory(handle="teen_tia", age_band=AgeBand.TEEN)


@pytest.fixture
def teen_group(facilitator, teen_space):
    return make_group(facilitator, teen_space, topic="Exam stress")


@pytest.fixture
def teen_session(teen_group):
    return make_session(teen_group)


def test_a_teen_sees_joins_and_enters_a_teen_group(teen, teen_group, teen_session, facilitator):
    assert access_group(teen, teen_group.pk) == teen_group
    actions.do_join(teen, teen_group, teen_session)
    actions.do_open_session_room(facilitator, teen_session)
    assert can_join_room(teen, teen_session)


@pytest.mark.parametrize("who", ["member", "other_facilitator", "therapist"])
def test_other_adults_neither_see_nor_join_a_teen_group(request, who, teen_group, teen_session):
    adult = request.getfixturevalue(who)
    with pytest.raises(NotFound):
        access_group(adult, teen_group.pk)
    with pytest.raises(actions.GroupError):
        actions.do_join(adult, teen_group, teen_session)


def test_the_groups_facilitator_runs_it_whatever_their_age(
    facilitator, teen_group, teen_session, teen
):
    assert facilitator.age_band == AgeBand.ADULT
    assert access_group(facilitator, teen_group.pk, write=True, manage=True) == teen_group
    actions.do_join(teen, teen_group, teen_session)
    actions.do_open_session_room(facilitator, teen_session)
    assert can_join_room(facilitator, teen_session)


def test_a_teen_who_turned_18_cannot_enter_the_room_even_before_being_moved(
    facilitator, teen_group, teen_session
):
    teen = UserFactory(age_band=AgeBand.TEEN, date_of_birth=years_ago(17))
    actions.do_join(teen, teen_group, teen_session)
    actions.do_open_session_room(facilitator, teen_session)
    assert can_join_room(teen, teen_session)
    # The date of birth now says 18 (a birthday today); the stored band still says teen.
    teen.date_of_birth = years_ago(18)
    assert teen.age_band == AgeBand.TEEN
    assert not can_join_room(teen, teen_session)
    with pytest.raises(actions.GroupError, match="another age group"):
        actions.do_join(teen, teen_group, make_session(teen_group, starts_in=timedelta(days=2)))


def test_an_account_without_a_date_keeps_its_stored_band(teen_group, teen_session):
    legacy = UserFactory(age_band=AgeBand.TEEN, date_of_birth=None)
    assert access_group(legacy, teen_group.pk) == teen_group
    actions.do_join(legacy, teen_group, teen_session)
