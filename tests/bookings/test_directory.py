"""Bookings ask the therapist directory through a registry, and work without one."""

import pytest

from kindred.bookings import directory
from kindred.bookings.access import is_bookable
from kindred.bookings.directory import DIRECTORIES, DIRECTORY
from kindred.core.access import NotFound

pytestmark = pytest.mark.django_db


def test_without_a_directory_the_role_alone_decides_and_nobody_has_a_profile(
    monkeypatch, therapist, member
):
    monkeypatch.delitem(DIRECTORIES, DIRECTORY)
    assert is_bookable(therapist)
    assert not is_bookable(member)
    assert directory.summary(therapist) is None
    with pytest.raises(NotFound):
        directory.therapist_of_profile(member, 1)


def test_an_unlisted_therapist_cannot_be_booked(therapist, unlist):
    assert is_bookable(therapist)
    unlist(therapist)
    assert not is_bookable(therapist)


def test_an_inactive_therapist_cannot_be_booked_even_if_listed(therapist):
    therapist.is_active = False
    therapist.save()
    assert not is_bookable(therapist)
