"""The hourly task moves teens who turned 18 to the adult band."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from kindred.accounts import tasks
from kindred.accounts.models import AgeBand
from kindred.audit.models import AuditEvent
from tests.factories import UserFactory

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def test_the_task_moves_a_teen_on_their_18th_birthday(db, time_machine):
    time_machine.move_to(NOW - timedelta(days=1), tick=False)
    teen = UserFactory(age_band=AgeBand.TEEN, date_of_birth=date(2009, 3, 10))
    assert tasks.move_teens_who_came_of_age.call_local() == 0

    time_machine.move_to(NOW, tick=False)
    assert tasks.move_teens_who_came_of_age.call_local() == 1
    teen.refresh_from_db()
    assert teen.age_band == AgeBand.ADULT
    assert AuditEvent.objects.filter(
        event="account.age_band_changed", target_id=str(teen.pk)
    ).exists()
    assert tasks.move_teens_who_came_of_age.call_local() == 0


def test_the_task_waits_for_midnight_where_the_teen_lives(db, time_machine):
    time_machine.move_to(NOW - timedelta(days=1), tick=False)
    teen = UserFactory(
        age_band=AgeBand.TEEN, date_of_birth=date(2009, 3, 10), timezone="America/Los_Angeles"
    )
    # 06:00 UTC on the 10th is still the 9th in Los Angeles.
    time_machine.move_to(datetime(2027, 3, 10, 6, 0, tzinfo=UTC), tick=False)
    assert tasks.move_teens_who_came_of_age.call_local() == 0
    time_machine.move_to(datetime(2027, 3, 10, 9, 0, tzinfo=UTC), tick=False)
    assert tasks.move_teens_who_came_of_age.call_local() == 1
    teen.refresh_from_db()
    assert teen.age_band == AgeBand.ADULT
