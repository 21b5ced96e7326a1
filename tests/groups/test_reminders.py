from __future__ import annotations

from datetime import timedelta

from django.core import mail
from django.utils import timezone

from kindred.core.models import Notification
from kindred.groups import actions
from kindred.groups.models import GroupFormat, ReminderSent, SignUp
from kindred.groups.reminders import send_due_reminders
from kindred.groups.tasks import send_group_reminders
from tests.groups.factories import make_group, make_session


def _joined_long_ago(user):
    SignUp.objects.filter(user=user).update(joined_at=timezone.now() - timedelta(days=3))


def test_reminders_go_once_per_offset_to_people_with_a_place(
    group, member, member2, settings, django_capture_on_commit_callbacks
):
    settings.GROUP_REMINDER_MINUTES = (1440, 60)
    session = make_session(group, starts_in=timedelta(minutes=50))
    actions.do_join(member, group, session)
    _joined_long_ago(member)
    now = timezone.now()
    # Both offsets are due (the 24 h one was missed, e.g. the worker was down).
    with django_capture_on_commit_callbacks(execute=True):  # mail is queued after commit
        assert send_due_reminders(now) == 2
        assert send_due_reminders(now) == 0
    assert ReminderSent.objects.filter(session=session, user=member).count() == 2
    titles = list(
        Notification.objects.filter(recipient=member, kind="groups.reminder").values_list(
            "title", flat=True
        )
    )
    assert len(titles) == 2 and all(group.topic in t for t in titles)
    assert [m.to for m in mail.outbox] == [[member.email], [member.email]]
    assert not Notification.objects.filter(recipient=member2).exists()


def test_waitlisted_and_late_sign_ups_get_no_early_reminder(
    facilitator, space, member, member2, settings
):
    settings.GROUP_REMINDER_MINUTES = (60,)
    group = make_group(facilitator, space, capacity=2)
    session = make_session(group, starts_in=timedelta(minutes=30))
    actions.do_join(member, group, session)  # joined 30 minutes before: after the 60-min moment
    assert send_due_reminders(timezone.now()) == 0
    actions.do_join(member2, group, session)
    SignUp.objects.update(joined_at=timezone.now() - timedelta(days=1))
    SignUp.objects.filter(user=member2).update(status="waitlisted")
    assert send_due_reminders(timezone.now()) == 1
    assert Notification.objects.filter(recipient=member, kind="groups.reminder").exists()


def test_cohort_members_are_reminded_of_every_session(facilitator, space, member, settings):
    settings.GROUP_REMINDER_MINUTES = (60,)
    cohort = make_group(facilitator, space, format=GroupFormat.COHORT)
    make_session(cohort, starts_in=timedelta(minutes=30))
    actions.do_join(member, cohort)
    _joined_long_ago(member)
    assert send_due_reminders(timezone.now()) == 1


def test_the_periodic_task_sends_them(group, member, settings):
    settings.GROUP_REMINDER_MINUTES = (60,)
    session = make_session(group, starts_in=timedelta(minutes=30))
    actions.do_join(member, group, session)
    _joined_long_ago(member)
    send_group_reminders.call_local()
    assert ReminderSent.objects.filter(session=session, user=member, offset_minutes=60).exists()


def test_cancelled_sessions_get_no_reminders(group, member, facilitator, settings):
    settings.GROUP_REMINDER_MINUTES = (60,)
    session = make_session(group, starts_in=timedelta(minutes=30))
    actions.do_join(member, group, session)
    _joined_long_ago(member)
    actions.do_cancel_session(facilitator, session, "Facilitator unwell")
    assert send_due_reminders(timezone.now()) == 0
    assert not ReminderSent.objects.exists()
    assert not Notification.objects.filter(kind="groups.reminder").exists()
    assert mail.outbox == []
