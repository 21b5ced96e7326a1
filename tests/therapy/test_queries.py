"""A therapist's profile as the page and the API show it."""

from datetime import time

import pytest
from django.contrib.auth.models import AnonymousUser

from kindred.bookings import actions as booking_actions
from kindred.core.access import NotFound
from kindred.therapy.queries import PROFILE_FREE_TIMES, profile_detail


def _open_every_day(therapist):
    for weekday in range(7):
        booking_actions.do_add_weekly_availability(
            therapist, weekday=weekday, start_time=time(9), end_time=time(17)
        )


def test_a_listed_profile_shows_its_first_free_times_to_anyone(therapist, make_profile):
    profile = make_profile(therapist)
    _open_every_day(therapist)
    detail = profile_detail(AnonymousUser(), profile.pk)
    assert detail.profile == profile and detail.listed
    assert len(detail.free_times) == PROFILE_FREE_TIMES
    assert detail.free_times == sorted(detail.free_times)
    assert detail.facets["modality"] == ["CBT"]


def test_a_listed_profile_with_no_hours_has_no_free_times(therapist, make_profile):
    assert profile_detail(AnonymousUser(), make_profile(therapist).pk).free_times == []


def test_a_draft_is_its_therapists_preview_and_nobody_elses(
    therapist, therapist2, member, make_profile
):
    draft = make_profile(therapist, status="draft")
    assert profile_detail(therapist, draft.pk).listed is False
    for reader in (AnonymousUser(), member, therapist2):
        with pytest.raises(NotFound):
            profile_detail(reader, draft.pk)
