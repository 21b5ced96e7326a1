"""Faults degrade, never fail: a hung mail server, a stopped task worker, a Redis restart.

PostgreSQL only: real task-worker threads share the database with the request, which
SQLite's in-memory test database cannot do. Each fault is a real one on this machine: a
mail server that accepts connections and never answers (a socket thread), a worker whose
threads stop, a private ``redis-server`` (never the shared one) that is stopped and
started again.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from kindred.bookings.models import Booking
from kindred.community import actions as community_actions
from kindred.community.models import Post, Space, Thread
from kindred.core import health, mail
from kindred.core.models import Notification, ServiceMark
from kindred.rooms.models import RoomMessage
from tests.rooms.factories import install_test_kind, make_room, uninstall_test_kind
from tests.rooms.test_redis_fault import REDIS_SERVER, PrivateRedis
from tests.therapy.test_api import SLOT, at, iso, make_profile, open_every_day

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

API = "/api/v1"


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: task-worker threads share the database with the test")


def wait_for(condition: Callable[[], Any], timeout: float = 10.0) -> float:
    """Seconds until ``condition()`` held; fails after ``timeout``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not reached in {timeout} s")
        time.sleep(0.02)
    return time.monotonic() - started


class HungMailServer:
    """Accepts every connection and never says a word, like the SMTP server in #19."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.accepted: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        self.listener.close()
        for conn in self.accepted:
            conn.close()


class Worker:
    """What ``kindred run_huey`` does, on threads of this process: beat at start, move
    due retries to the queue, take tasks off it and run them."""

    def __init__(self, huey: Any, threads: int = 2) -> None:
        self.huey = huey
        self.threads = threads
        self._stop = threading.Event()
        self._running: list[threading.Thread] = []

    def start(self) -> None:
        from kindred.core.tasks import _beat_on_start

        self._stop.clear()
        _beat_on_start()
        for n in range(self.threads):
            thread = threading.Thread(target=self._loop, args=(n == 0,), daemon=True)
            thread.start()
            self._running.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._running:
            thread.join(timeout=30)
        self._running = []

    def _loop(self, scheduler: bool) -> None:
        huey = self.huey
        try:
            while not self._stop.is_set():
                if scheduler:
                    for due in huey.read_schedule(huey._get_timestamp()):
                        huey.enqueue(due)
                task = huey.dequeue()
                if task is None:
                    time.sleep(0.02)
                elif task.eta and task.eta > huey._get_timestamp():
                    huey.add_schedule(task)
                else:
                    huey.execute(task)
        finally:
            connections.close_all()


@pytest.fixture
def worker() -> Iterator[Worker]:
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = False
    running = Worker(HUEY)
    try:
        yield running
    finally:
        running.stop()
        HUEY.flush()
        HUEY.immediate = True


@pytest.fixture
def hung_mail(settings: Any, monkeypatch: Any) -> Iterator[HungMailServer]:
    server = HungMailServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 3
    monkeypatch.setattr(mail, "_failed_at", [float("-inf")])
    yield server
    server.close()


def mail_retries(worker: Worker) -> list[Any]:
    return [t for t in worker.huey.scheduled() if t.name.endswith("deliver_email")]


def healthz(client: Any) -> tuple[int, dict[str, Any]]:
    response = client.get(reverse("healthz"))
    return response.status_code, response.json()["checks"]


# --- A mail server that accepts and never answers --------------------------------------


def test_a_hung_mail_server_delays_no_booking_and_no_escalation(
    client, login, hung_mail, worker, member, therapist, staff
):
    from kindred.safety import actions as safety_actions
    from kindred.safety.models import FlagKind
    from kindred.safety.tasks import escalate_flag

    listed = make_profile(therapist, staff)
    open_every_day(therapist)
    worker.start()
    timeout = 3
    booker = login(member)
    assert booker.get(f"{API}/bookings").status_code == 200  # warm: first-request set-up

    # The booking answers at once and is stored once; its two e-mails go to the worker.
    started = time.monotonic()
    response = booker.post(
        f"{API}/bookings",
        {"therapist_profile_id": listed.pk, "starts_at": iso(at(*SLOT))},
        content_type="application/json",
    )
    answered_in = time.monotonic() - started
    assert response.status_code == 201, response.content
    assert answered_in < timeout
    assert Booking.objects.filter(member=member, therapist=therapist).count() == 1

    # Both confirmation tasks hit the hung server and fail at EMAIL_TIMEOUT, then wait
    # for a retry (huey's schedule), one fewer retry left each.
    # One tries at a time (MAIL_CONCURRENCY); the other goes back on the queue until the
    # first has timed out, then finds mail paused.
    failed_in = wait_for(lambda: ServiceMark.objects.filter(name=mail.MAIL_FAILURE).exists())
    assert timeout - 0.5 <= failed_in + answered_in < timeout + 3
    assert len(hung_mail.accepted) == 1
    wait_for(lambda: [t.retries for t in mail_retries(worker)] == [mail.RETRIES - 1] * 2)
    retries = mail_retries(worker)
    assert all(t.args[0].kind == "bookings.confirmation" for t in retries)

    # /healthz names the last failure: the mail's kind and the error class, no content.
    status, checks = healthz(client)
    assert status == 200  # mail is retried; it never fails the check
    failure = checks["mail"]["last_failure"]
    assert failure["kind"] == "bookings.confirmation"
    assert failure["error"] in {"SMTPServerDisconnected", "TimeoutError"}
    body = client.get(reverse("healthz")).content.decode()
    assert member.email not in body and "Session booked" not in body

    # An overdue high-risk flag escalates: staff's in-app notification is written at
    # once, while the escalation's own e-mail is still hanging on the server.
    mail._failed_at[0] = float("-inf")  # the pause after a failure is over
    flag = safety_actions.do_raise_flag(kind=FlagKind.RISK, subject=member, text="x", level="high")
    type(flag).objects.filter(pk=flag.pk).update(created_at=timezone.now() - timedelta(hours=1))
    ServiceMark.objects.filter(name=mail.MAIL_FAILURE).delete()
    escalate_flag(flag.pk)
    notified_in = wait_for(
        lambda: Notification.objects.filter(recipient=staff, kind="safety.escalation").exists()
    )
    assert notified_in < 1.0
    assert not ServiceMark.objects.filter(name=mail.MAIL_FAILURE).exists(), "mail still hanging"
    wait_for(lambda: ServiceMark.objects.filter(name=mail.MAIL_FAILURE).exists())
    assert ServiceMark.objects.get(name=mail.MAIL_FAILURE).detail["kind"] == "safety.escalation"


def test_an_escalation_is_on_time_while_mails_hang_on_a_freshly_hung_server(
    settings, hung_mail, worker, member, staff
):
    from kindred.safety import actions as safety_actions
    from kindred.safety.models import FlagKind
    from kindred.safety.tasks import escalate_flag

    # As many mails as there are task threads, and one more, start before any attempt
    # has timed out (so nothing has paused mail yet).
    settings.MAIL_CONCURRENCY = 1  # the default for two threads
    assert worker.threads == 2
    addresses = [f"reader{n}@example.org" for n in range(worker.threads + 1)]
    mail.send_mail_later("bookings.confirmation", "Hung", "Body", addresses)
    worker.start()
    wait_for(lambda: len(hung_mail.accepted) == 1)
    hung_at = time.monotonic()
    # The other thread takes the next mail, finds the one slot taken and puts it back.
    wait_for(lambda: any(t.args[0].subject == "Hung" for t in mail_retries(worker)))

    # A high-risk flag's timer fires now: staff are told at once, not after the timeout.
    flag = safety_actions.do_raise_flag(kind=FlagKind.RISK, subject=member, text="x", level="high")
    type(flag).objects.filter(pk=flag.pk).update(created_at=timezone.now() - timedelta(hours=1))
    escalate_flag(flag.pk)
    notified_in = wait_for(
        lambda: Notification.objects.filter(recipient=staff, kind="safety.escalation").exists(),
        timeout=settings.EMAIL_TIMEOUT + 2,
    )
    assert notified_in < 1.0
    assert time.monotonic() - hung_at < settings.EMAIL_TIMEOUT, "escalated after the timeout"
    assert len(hung_mail.accepted) == 1, "a second mail attempt was made on the hung server"
    assert not ServiceMark.objects.filter(name=mail.MAIL_FAILURE).exists()

    # No mail is lost: each waits for a retry, one retry used by the failure or the pause.
    wait_for(
        lambda: (
            sorted(t.args[0].to for t in mail_retries(worker) if t.args[0].subject == "Hung")
            == addresses
        ),
        timeout=settings.EMAIL_TIMEOUT + 5,
    )
    wait_for(
        lambda: all(t.retries == mail.RETRIES - 1 for t in mail_retries(worker)),
        timeout=settings.EMAIL_TIMEOUT + 5,
    )
    assert len(hung_mail.accepted) == 1


def test_a_failed_mail_is_sent_by_its_retry_once_the_server_answers(
    settings, hung_mail, worker, member
):
    from django.core import mail as outbox

    def retries() -> list[Any]:
        return [t for t in worker.huey.scheduled() if t.args and t.args[0].subject == "Retried"]

    mail.send_mail_later("bookings.confirmation", "Retried", "Body", [member.email])
    worker.start()
    wait_for(lambda: len(retries()) == 1)
    assert retries()[0].retries == mail.RETRIES - 1

    # The server is mended; the retry's time comes (its backoff, brought forward here).
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail._failed_at[0] = float("-inf")
    worker.stop()
    later = worker.huey._get_timestamp() + timedelta(hours=1)
    for due in worker.huey.read_schedule(later):
        due.eta = None
        worker.huey.enqueue(due)
    worker.start()
    wait_for(lambda: any(m.subject == "Retried" for m in outbox.outbox))
    assert [m.to for m in outbox.outbox if m.subject == "Retried"] == [[member.email]]
    assert retries() == []


# --- A task worker that stops ------------------------------------------------------------


def test_a_stopped_worker_makes_healthz_503_with_the_reason_and_recovers(
    client, worker, settings, monkeypatch
):
    monkeypatch.setattr(health, "HEARTBEAT_STALE_SECONDS", 1)
    settings.TASK_QUEUE_AGE_LIMIT = 1
    worker.start()
    status, checks = healthz(client)
    assert status == 200 and checks["tasks"]["ok"] is True

    worker.stop()
    from kindred.core.tasks import delete_expired_idempotency_keys

    delete_expired_idempotency_keys()  # queued; nobody takes it
    time.sleep(1.2)
    status, checks = healthz(client)
    assert status == 503
    assert checks["tasks"]["error"] == "no task worker has run for over 1 seconds"
    assert checks["tasks"]["heartbeat_age_s"] > 1
    assert checks["tasks"]["pending"] == 1
    assert checks["tasks"]["oldest_pending_task_age_s"] >= 1

    # Workers alive again but the beat is fresh and the queue drains: healthy again.
    worker.start()
    recovered_in = wait_for(lambda: healthz(client)[0] == 200, timeout=5)
    assert recovered_in < 5
    assert healthz(client)[1]["tasks"]["oldest_pending_task_age_s"] is None


# --- A Redis restart ---------------------------------------------------------------------


@pytest.fixture
def room_kind() -> Iterator[Any]:
    kind = install_test_kind()
    yield kind
    uninstall_test_kind()


@pytest.fixture
def private_redis(settings: Any) -> Iterator[PrivateRedis]:
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    from channels.layers import channel_layers

    redis = PrivateRedis()
    redis.start()
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis.url}
    }
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [redis.url]},
        }
    }
    channel_layers.backends.clear()
    yield redis
    redis.stop()
    channel_layers.backends.clear()


@pytest.mark.redis
def test_a_redis_restart_stores_every_write_once_and_answers_no_500(
    client, login, private_redis, member, member2, room_kind
):
    space = Space.objects.create(
        slug="faults", name="Faults", description="", guidelines="Be kind."
    )
    community_actions.do_accept_guidelines(member, space)
    community_actions.do_accept_guidelines(member2, space)
    thread = community_actions.do_create_thread(member, space, title="Hello", body="Hi").post.thread
    room = make_room(room_kind, member, member2)
    writer = login(member2)
    reader = login(member)

    def reply(key: str) -> Any:
        return writer.post(
            f"{API}/threads/{thread.pk}/posts",
            {"body": f"reply {key}"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"reply-{key}",
        )

    def start_thread(key: str) -> Any:
        return writer.post(
            f"{API}/spaces/{space.slug}/threads",
            {"title": f"Thread {key}", "body": "Body"},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"thread-{key}",
        )

    def room_message(client_id: str) -> Any:
        return writer.post(
            f"{API}/rooms/{room.pk}/messages",
            {"body": f"message {client_id}", "client_id": client_id},
            content_type="application/json",
        )

    assert reply("before").status_code == 201
    private_redis.stop()
    during = [reply("during"), start_thread("during"), room_message("during")]
    anonymous_page = client.get(reverse("community_spaces"))
    signed_in_page = reader.get(reverse("community_thread", args=[space.slug, thread.pk]))
    private_redis.start()
    # Each write retried once Redis is back, with the same key: stored once.
    retried = [reply("during"), start_thread("during"), room_message("during")]
    after = [reply("after"), start_thread("after"), room_message("after")]

    statuses = [r.status_code for r in [*during, *retried, *after]]
    assert statuses == [201] * 9
    assert anonymous_page.status_code == 200 and signed_in_page.status_code == 200
    assert [r.json()["id"] for r in retried[:2]] == [r.json()["id"] for r in during[:2]]
    for key in ("before", "during", "after"):
        assert Post.objects.filter(thread=thread, body=f"reply {key}").count() == 1
    for key in ("during", "after"):
        assert Thread.objects.filter(space=space, title=f"Thread {key}").count() == 1
        assert RoomMessage.objects.filter(room=room, client_id=key).count() == 1
