"""Mail off the request and task paths: queued, retried with backoff, failures shown
without content, and the changes that caused a mail stored whatever the server does."""

from __future__ import annotations

import socket
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail as outbox
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from kindred.bookings.models import Booking
from kindred.core import mail, tasks
from kindred.core.models import Notification, ServiceMark
from kindred.safety import actions as safety_actions
from kindred.safety.screening import ScreenResult
from tests.therapy.test_api import SLOT, at, iso, listed, post_json  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

REFUSING = "tests.testapp.mail.RefusingBackend"


@pytest.fixture(autouse=True)
def _fresh_queue():
    """Retries are scheduled in huey's memory storage; start and end with none."""
    mail._failed_at[0] = float("-inf")
    HUEY.flush()
    yield
    HUEY.flush()
    mail._failed_at[0] = float("-inf")


@pytest.fixture
def mail_down(settings):
    settings.EMAIL_BACKEND = REFUSING


def scheduled_mail():
    return [t for t in HUEY.scheduled() if t.name.endswith("deliver_email")]


def test_a_mail_is_sent_by_the_task_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        mail.send_mail_later("test.kind", "Subject", "Body\n", ["a@example.org", ""])
    assert outbox.outbox == []  # nothing before commit
    for callback in callbacks:
        callback()
    (sent,) = outbox.outbox
    assert (sent.to, sent.subject, sent.body) == (["a@example.org"], "Subject", "Body\n")


def test_a_refused_mail_is_remembered_without_content_and_retried_with_backoff(mail_down):
    tasks.deliver_email(mail.Mail(kind="test.kind", subject="Secret", body="Secret", to="a@b.c"))
    (retry,) = scheduled_mail()
    assert retry.retries == mail.RETRIES - 1
    assert retry.retry_delay == mail.RETRY_DELAY * mail.RETRY_BACKOFF
    assert retry.eta > timezone.now().replace(tzinfo=None) - timedelta(seconds=1)
    mark = ServiceMark.objects.get(name=mail.MAIL_FAILURE)
    assert mark.detail == {"kind": "test.kind", "error": "ConnectionRefusedError"}


def test_after_a_failure_the_next_mail_waits_instead_of_trying(mail_down, settings):
    with pytest.raises(mail.MailNotSent):
        mail.send_now(mail.Mail(kind="k", subject="s", body="b", to="a@b.c"))
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with pytest.raises(mail.MailNotSent, match="paused"):
        mail.send_now(mail.Mail(kind="k", subject="s", body="b", to="a@b.c"))
    assert outbox.outbox == []
    mail._failed_at[0] -= mail.PAUSE_AFTER_FAILURE
    mail.send_now(mail.Mail(kind="k", subject="s", body="b", to="a@b.c"))
    assert len(outbox.outbox) == 1


def test_a_hung_mail_server_is_given_up_on_after_email_timeout(settings):
    # Accepts connections and never says a word, like the server in issue #19.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = listener.getsockname()
    settings.EMAIL_TIMEOUT = 1
    started = time.monotonic()
    try:
        with pytest.raises(mail.MailNotSent):
            mail.send_now(mail.Mail(kind="k", subject="s", body="b", to="a@b.c"))
    finally:
        listener.close()
    assert time.monotonic() - started < 5
    assert ServiceMark.objects.get(name=mail.MAIL_FAILURE).detail["error"] in {
        "TimeoutError",
        "SMTPServerDisconnected",
    }


def test_when_the_queue_is_down_the_mail_is_sent_at_once(monkeypatch):
    def queue_down(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(tasks.deliver_email, "__call__", queue_down)
    monkeypatch.setattr(tasks, "deliver_email", queue_down)
    mail.queue_mail(mail.Mail(kind="k", subject="s", body="b", to="a@b.c"))
    assert [m.to for m in outbox.outbox] == [["a@b.c"]]


def test_when_queue_and_server_are_down_nothing_is_raised(monkeypatch, mail_down, caplog):
    def queue_down(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(tasks, "deliver_email", queue_down)
    mail.queue_mail(mail.Mail(kind="k", subject="s", body="the body", to="a@b.c"))
    assert "a@b.c" not in caplog.text and "the body" not in caplog.text
    assert ServiceMark.objects.filter(name=mail.MAIL_FAILURE).exists()


def test_the_mail_setting_is_ten_seconds_by_default():
    from django.conf import settings

    assert settings.EMAIL_TIMEOUT == 10


# --- The paths issue #19 found broken -------------------------------------------------


@pytest.mark.usefixtures("listed")
def test_booking_through_the_api_is_201_with_the_mail_server_down(
    login, member, therapist, mail_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(
            login(member),
            "/api/v1/bookings",
            {"therapist_user_id": therapist.pk, "starts_at": iso(at(*SLOT))},
        )
    assert response.status_code == 201, response.content
    assert Booking.objects.filter(member=member, status="booked").count() == 1
    assert len(scheduled_mail()) == 2  # member and therapist, both to be retried
    assert outbox.outbox == []


@pytest.mark.usefixtures("listed")
def test_booking_through_the_page_succeeds_with_the_mail_server_down(
    client, member, therapist, mail_down, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("bookings_therapist", args=[therapist.pk]),
            {"starts_at": at(*SLOT).isoformat()},
        )
    assert response.status_code == 302
    assert Booking.objects.get(member=member).starts_at == at(*SLOT)


def test_an_escalation_notifies_in_app_with_the_mail_server_down(
    member, staff, mail_down, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(
        safety_actions, "screen", lambda text, context="": ScreenResult("high", 0.9, ("plan",))
    )
    flag = safety_actions.screen_text(member, "x", area="groups", source_type="t").flag
    with django_capture_on_commit_callbacks(execute=True):
        escalated = safety_actions.escalate_overdue_flags(
            now=flag.created_at + timedelta(minutes=5)
        )
    assert [f.pk for f in escalated] == [flag.pk]
    assert Notification.objects.filter(recipient=staff, kind="safety.escalation").count() == 1
    (retry,) = scheduled_mail()
    assert retry.args[0].to == staff.email and retry.args[0].kind == "safety.escalation"


@pytest.mark.usefixtures("listed")
def test_a_hung_mail_server_does_not_hold_a_booking_request(
    login, member, therapist, settings, django_capture_on_commit_callbacks
):
    # As in production: the request only queues; a worker sends.
    settings.EMAIL_BACKEND = "tests.testapp.mail.HangingBackend"
    HUEY.immediate = False
    try:
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = post_json(
                login(member),
                "/api/v1/bookings",
                {"therapist_user_id": therapist.pk, "starts_at": iso(at(*SLOT))},
            )
        assert time.monotonic() - started < 5
        assert response.status_code == 201
        assert HUEY.pending_count() == 2
    finally:
        HUEY.flush()
        HUEY.immediate = True


def test_allauth_mail_goes_through_the_task(client, mail_down):
    response = client.post(reverse("account_reset_password"), {"email": "nobody-here@example.org"})
    assert response.status_code == 302
    assert outbox.outbox == []
    (retry,) = scheduled_mail()
    assert retry.args[0].kind.startswith("accounts.")


def test_a_mail_finding_every_slot_taken_goes_back_on_the_queue_without_using_a_retry(settings):
    settings.MAIL_CONCURRENCY = 1
    slots = mail.mail_slots()
    assert slots.acquire(blocking=False)  # another thread is sending
    try:
        tasks.deliver_email(mail.Mail(kind="k", subject="Busy", body="b", to="a@b.c"))
    finally:
        slots.release()
    assert outbox.outbox == []
    assert not ServiceMark.objects.filter(name=mail.MAIL_FAILURE).exists()
    (again,) = scheduled_mail()
    assert again.retries == mail.RETRIES
    soon = timezone.now().replace(tzinfo=None) + timedelta(seconds=mail.BUSY_DELAY)
    assert soon - timedelta(seconds=1) < again.eta <= soon

    # Its moment comes and the slot is free: sent once.
    for due in HUEY.read_schedule(again.eta):
        HUEY.execute(due, timestamp=again.eta)
    assert [m.subject for m in outbox.outbox] == ["Busy"]


def test_mail_slots_follow_the_setting(settings):
    settings.MAIL_CONCURRENCY = 2
    slots = mail.mail_slots()
    assert slots.acquire(blocking=False) and slots.acquire(blocking=False)
    try:
        assert not slots.acquire(blocking=False)
    finally:
        slots.release()
        slots.release()


def test_escalations_then_safety_mail_then_other_mail_leave_the_queue_first(member):
    from kindred.safety.tasks import escalate_flag

    HUEY.immediate = False
    try:
        mail.queue_mail(mail.Mail(kind="bookings.confirmation", subject="s", body="b", to="a@b.c"))
        mail.queue_mail(mail.Mail(kind="safety.escalation", subject="s", body="b", to="a@b.c"))
        escalate_flag(12345)
        taken = [HUEY.dequeue() for _ in range(3)]
    finally:
        HUEY.flush()
        HUEY.immediate = True
    names = [
        (t.name.rsplit(".", 1)[-1], t.args[0] if t.name.endswith("flag") else t.args[0].kind)
        for t in taken
    ]
    assert names == [
        ("escalate_flag", 12345),
        ("deliver_email", "safety.escalation"),
        ("deliver_email", "bookings.confirmation"),
    ]
