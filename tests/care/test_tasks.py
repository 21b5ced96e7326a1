"""The daily task ends what members share with therapists who no longer treat them."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kindred.bookings.models import BookingStatus
from kindred.care import tasks
from kindred.consent import actions as consent_actions
from kindred.consent import grants
from kindred.consent.models import ConsentGrant
from tests.care.factories import book


def test_the_daily_task_ends_sharing_with_a_therapist_after_the_lapse(
    member, therapist, settings, time_machine
):
    settings.THERAPY_ACCESS_LAPSE_DAYS = 180
    book(member, therapist, days=-10, status=BookingStatus.ATTENDED)
    consent_actions.do_grant(member, therapist.pk, grants.MEASURE_TRENDS)
    assert tasks.end_lapsed_therapy_grants.call_local() == 0

    time_machine.move_to(timezone.now() + timedelta(days=171), tick=False)

    assert tasks.end_lapsed_therapy_grants.call_local() == 1
    assert ConsentGrant.objects.get().ended_reason == "therapy_lapsed"
    assert tasks.end_lapsed_therapy_grants.call_local() == 0
