import datetime as dt

from django.utils import timezone

from kindred.therapy import tasks
from kindred.therapy.models import ProfileStatus


def test_the_upkeep_task_unlists_and_warns(therapist, therapist2, make_profile):
    expired = make_profile(therapist)
    soon = make_profile(therapist2)
    type(expired).objects.filter(pk=expired.pk).update(
        licence_expires_on=timezone.now().date() - dt.timedelta(days=1)
    )
    type(soon).objects.filter(pk=soon.pk).update(
        licence_expires_on=timezone.now().date() + dt.timedelta(days=6)
    )
    result = tasks.therapy_licence_upkeep.call_local()
    assert result == (1, 1)
    expired.refresh_from_db()
    assert expired.status == ProfileStatus.EXPIRED
