"""The therapy app registers itself as the directory bookings ask."""

import pytest

from kindred.bookings import directory
from kindred.bookings.directory import DIRECTORIES, DIRECTORY
from kindred.core.access import NotFound
from kindred.therapy.access import is_listed, therapist_of_profile
from kindred.therapy.directory import booking_summary


def test_the_therapy_app_is_the_installed_directory():
    installed = DIRECTORIES.get(DIRECTORY)
    assert installed.is_listed is is_listed
    assert installed.summary is booking_summary
    assert installed.therapist_of_profile is therapist_of_profile


def test_bookings_see_a_verified_profile_and_not_a_submitted_one(member, make_profile):
    listed = make_profile()
    pending = make_profile(status="submitted")
    assert directory.is_listed(listed.user) and not directory.is_listed(pending.user)
    summary = directory.summary(listed.user)
    assert summary is not None and summary.name
    assert directory.summary(pending.user) is None
    assert directory.therapist_of_profile(member, listed.pk) == listed.user_id
    with pytest.raises(NotFound):
        directory.therapist_of_profile(member, pending.pk)
