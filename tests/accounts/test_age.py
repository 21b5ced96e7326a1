"""The age band follows the date of birth: who is a teen, who is an adult, and when."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from kindred.accounts.age import (
    BAND_CHANGE_HANDLERS,
    age_on,
    band_change_handlers,
    band_for,
    came_of_age,
    current_age_band,
    register_band_change_handler,
    today_for,
)
from kindred.accounts.models import AgeBand, User
from tests.factories import UserFactory

# Noon UTC on a fixed day: late evening in Sydney, early morning in Los Angeles.
NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
TODAY = NOW.date()


@pytest.mark.parametrize(
    ("born", "age"),
    [
        (date(2014, 3, 10), 13),  # 13 today
        (date(2014, 3, 11), 12),  # 13 tomorrow
        (date(2009, 3, 10), 18),
        (date(2009, 3, 11), 17),
        (date(1990, 12, 31), 36),
    ],
)
def test_age_counts_whole_years(born, age):
    assert age_on(born, TODAY) == age


def test_someone_born_on_29_february_comes_of_age_on_1_march_in_other_years():
    born = date(2008, 2, 29)
    assert age_on(born, date(2026, 2, 28)) == 17
    assert age_on(born, date(2026, 3, 1)) == 18


def test_a_13_year_old_is_a_teen_and_an_18_year_old_an_adult():
    assert band_for(date(2014, 3, 10), TODAY) == AgeBand.TEEN
    assert band_for(date(2009, 3, 11), TODAY) == AgeBand.TEEN
    assert band_for(date(2009, 3, 10), TODAY) == AgeBand.ADULT


def test_today_is_the_persons_own_date():
    sydney = User(timezone="Australia/Sydney")
    los_angeles = User(timezone="America/Los_Angeles")
    assert today_for(sydney, NOW) == date(2027, 3, 10)
    assert today_for(sydney, datetime(2027, 3, 10, 14, 0, tzinfo=UTC)) == date(2027, 3, 11)
    assert today_for(los_angeles, datetime(2027, 3, 10, 6, 0, tzinfo=UTC)) == date(2027, 3, 9)
    assert today_for(User(timezone="Not/AZone"), NOW) == TODAY
    assert today_for(None, NOW) == TODAY


def test_the_band_for_access_follows_the_date_at_once():
    eighteen_tomorrow_in_utc = User(age_band=AgeBand.TEEN, date_of_birth=date(2009, 3, 11))
    assert current_age_band(eighteen_tomorrow_in_utc, NOW) == AgeBand.TEEN
    # Already the 11th in Sydney at 14:00 UTC.
    in_sydney = User(
        age_band=AgeBand.TEEN, date_of_birth=date(2009, 3, 11), timezone="Australia/Sydney"
    )
    assert current_age_band(in_sydney, datetime(2027, 3, 10, 14, 0, tzinfo=UTC)) == "adult"


def test_without_a_date_the_stored_band_stands():
    assert current_age_band(User(age_band=AgeBand.TEEN), NOW) == AgeBand.TEEN
    assert current_age_band(User(age_band=AgeBand.ADULT), NOW) == AgeBand.ADULT


def test_only_a_teen_who_turned_18_is_due_to_move():
    assert came_of_age(User(age_band=AgeBand.TEEN, date_of_birth=date(2009, 3, 10)), NOW)
    assert not came_of_age(User(age_band=AgeBand.TEEN, date_of_birth=date(2009, 3, 11)), NOW)
    assert not came_of_age(User(age_band=AgeBand.TEEN), NOW)
    # Nothing ever moves an adult back by itself, whatever the date says.
    assert not came_of_age(User(age_band=AgeBand.ADULT, date_of_birth=date(2012, 1, 1)), NOW)


def test_anonymous_visitors_are_never_due():
    from django.contrib.auth.models import AnonymousUser

    assert not came_of_age(AnonymousUser(), NOW)


@pytest.mark.django_db
def test_factories_give_dates_that_match_their_bands():
    assert current_age_band(UserFactory(age_band=AgeBand.TEEN)) == AgeBand.TEEN
    assert current_age_band(UserFactory()) == AgeBand.ADULT


def test_apps_register_what_a_change_of_band_means_for_them_once_each():
    names = [name for name, _ in band_change_handlers()]
    assert "peers" in names and names == sorted(set(names))


def test_registering_a_name_again_replaces_its_handler():
    def first(user, old, new):
        return {"first": 1}

    def second(user, old, new):
        return {"second": 1}

    try:
        register_band_change_handler("test.band", first)
        register_band_change_handler("test.band", second)
        assert dict(band_change_handlers())["test.band"] is second
    finally:
        BAND_CHANGE_HANDLERS.unregister("test.band")
