from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.core import health, mail
from kindred.core.models import ServiceMark

pytestmark = pytest.mark.django_db


def test_it_reports_every_component(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert set(data["checks"]) == {"database", "cache", "channel_layer", "tasks", "mail"}
    assert all(check["ok"] for check in data["checks"].values())
    assert data["checks"]["tasks"]["mode"] == "immediate"


def test_a_failing_component_makes_it_degraded_without_leaking_details(client, monkeypatch):
    def broken():
        raise ConnectionError("password=hunter2 host=db.internal")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "degraded"
    assert data["checks"]["database"] == {
        "ok": False,
        "error": "ConnectionError",
        "ms": data["checks"]["database"]["ms"],
    }
    assert "hunter2" not in response.content.decode()


@pytest.fixture
def workers_expected():
    """As in production: tasks go to a worker, so its heartbeat matters."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = False
    try:
        yield HUEY
    finally:
        HUEY.flush()
        HUEY.immediate = True


def beat(seconds_ago: float) -> None:
    from kindred.core.tasks import heartbeat

    heartbeat.call_local()
    ServiceMark.objects.filter(name=health.HEARTBEAT).update(
        at=timezone.now() - timedelta(seconds=seconds_ago)
    )


def test_a_worker_that_never_reported_makes_it_503_with_the_reason(client, workers_expected):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    tasks = response.json()["checks"]["tasks"]
    assert tasks["ok"] is False
    assert tasks["error"] == "no task worker has ever reported in"
    assert tasks["mode"] == "workers" and tasks["pending"] == 0


def test_a_recent_heartbeat_is_healthy_and_reported(client, workers_expected):
    beat(30)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    tasks = response.json()["checks"]["tasks"]
    assert tasks["ok"] is True and 29 <= tasks["heartbeat_age_s"] < 40
    assert "queue_wait_s" in tasks


def test_a_heartbeat_over_two_minutes_old_makes_it_503(client, workers_expected):
    beat(health.HEARTBEAT_STALE_SECONDS + 5)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    tasks = response.json()["checks"]["tasks"]
    assert tasks["error"] == "no task worker has run for over 120 seconds"
    assert tasks["heartbeat_age_s"] > 120


def test_without_workers_no_heartbeat_is_needed(client):
    # Immediate mode (tests, one-off commands): tasks run in the caller.
    assert client.get(reverse("healthz")).status_code == 200


def test_the_heartbeat_task_and_worker_start_record_a_beat():
    from kindred.core.tasks import _beat_on_start, heartbeat

    heartbeat.call_local()
    first = ServiceMark.objects.get(name=health.HEARTBEAT).at
    _beat_on_start()
    assert ServiceMark.objects.get(name=health.HEARTBEAT).at >= first


def test_the_last_mail_failure_is_shown_without_content(client):
    mail.record_mail_failure("bookings.confirmation", ConnectionRefusedError("a@b.c secret"))
    response = client.get(reverse("healthz"))
    assert response.status_code == 200  # mail is retried; it never fails the check
    failure = response.json()["checks"]["mail"]["last_failure"]
    assert failure["kind"] == "bookings.confirmation"
    assert failure["error"] == "ConnectionRefusedError"
    assert "a@b.c" not in response.content.decode()


def test_it_stays_cheap(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get(reverse("healthz"))


def queue_task(seconds_ago: float, monkeypatch) -> None:
    from kindred.core import taskqueue
    from kindred.core.tasks import delete_expired_idempotency_keys

    now = taskqueue.time.time()
    monkeypatch.setattr(taskqueue.time, "time", lambda: now - seconds_ago)
    delete_expired_idempotency_keys()
    monkeypatch.undo()


def test_the_oldest_pending_task_age_is_reported(client, workers_expected, monkeypatch):
    beat(10)
    assert (
        client.get(reverse("healthz")).json()["checks"]["tasks"]["oldest_pending_task_age_s"]
        is None
    )
    queue_task(30, monkeypatch)
    queue_task(5, monkeypatch)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    tasks = response.json()["checks"]["tasks"]
    assert tasks["pending"] == 2
    assert 29 <= tasks["oldest_pending_task_age_s"] < 40


def test_a_task_waiting_beyond_the_limit_makes_it_503_with_the_reason(
    client, workers_expected, monkeypatch, settings
):
    settings.TASK_QUEUE_AGE_LIMIT = 60
    beat(10)  # workers are alive, but the queue is not moving
    queue_task(75, monkeypatch)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    tasks = response.json()["checks"]["tasks"]
    assert tasks["error"] == "a pending task has waited over 60 seconds"
    assert tasks["oldest_pending_task_age_s"] >= 75

    workers_expected.dequeue()  # a worker catches up
    assert client.get(reverse("healthz")).status_code == 200
