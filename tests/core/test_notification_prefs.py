"""Notification categories: defaults, switching off in-app and by e-mail."""

from __future__ import annotations

import pytest
from django.core import mail

from kindred.core.models import Notification, NotificationPreference
from kindred.core.notification_kinds import NOTIFICATION_CATEGORIES, category_of
from kindred.core.notification_prefs import (
    Choice,
    do_set_preferences,
    preference_rows,
    wants_email,
)
from kindred.core.notifications import do_notify

pytestmark = pytest.mark.django_db


def test_every_kind_belongs_to_one_category_at_most():
    seen: dict[str, str] = {}
    for category in NOTIFICATION_CATEGORIES.values():
        for kind in category.kinds:
            assert kind not in seen, (kind, seen.get(kind), category.key)
            seen[kind] = category.key


def test_safety_kinds_cannot_be_switched_off():
    for kind in (
        "safety.flag",
        "safety.escalation",
        "measures.critical_answer",
        "peers.peer_at_risk",
    ):
        assert category_of(kind) is None


def test_defaults_are_in_app_for_all_and_e_mail_for_some(member):
    rows = {row.category.key: row for row in preference_rows(member)}
    assert all(row.in_app for row in rows.values())
    assert rows["bookings"].email and rows["questionnaires"].email
    assert not rows["reactions"].email and not rows["replies"].email


def test_an_e_mail_kind_sends_a_title_and_link_only(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        do_notify([member], kind="peers.request", title="Someone asked to connect", url="/peers/")
    assert Notification.objects.filter(recipient=member).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert "/peers/" in mail.outbox[0].body and "Someone asked to connect" in mail.outbox[0].subject


def test_switching_a_category_off_stops_it_in_app_and_by_e_mail(
    member, member2, django_capture_on_commit_callbacks
):
    do_set_preferences(member, {"connections": Choice(in_app=False, email=False)})
    with django_capture_on_commit_callbacks(execute=True):
        do_notify([member, member2], kind="peers.request", title="Request", url="/peers/")
    assert list(Notification.objects.values_list("recipient_id", flat=True)) == [member2.pk]
    assert [m.to for m in mail.outbox] == [[member2.email]]


def test_e_mail_can_be_asked_for_a_quiet_kind(member, django_capture_on_commit_callbacks):
    do_set_preferences(member, {"replies": Choice(in_app=True, email=True)})
    with django_capture_on_commit_callbacks(execute=True):
        do_notify([member], kind="community.reply", title="A reply", url="/spaces/")
    assert len(mail.outbox) == 1


def test_kinds_whose_sender_e_mails_are_not_e_mailed_twice(
    member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        do_notify([member], kind="booking_reminder", title="Reminder", url="/bookings/")
    assert mail.outbox == []
    assert wants_email(member, "booking_reminder")
    do_set_preferences(member, {"bookings": Choice(in_app=True, email=False)})
    assert not wants_email(member, "booking_reminder")


def test_unknown_categories_are_ignored_and_unchanged_ones_not_stored(member):
    changed = do_set_preferences(
        member,
        {"nonsense": Choice(False, False), "replies": Choice(in_app=True, email=False)},
    )
    assert changed == []
    assert not NotificationPreference.objects.exists()


def test_a_kind_in_no_category_always_arrives(member):
    do_set_preferences(member, {key: Choice(False, False) for key in NOTIFICATION_CATEGORIES})
    do_notify([member], kind="safety.flag", title="A flag", url="/moderation/")
    assert Notification.objects.filter(recipient=member, kind="safety.flag").exists()
