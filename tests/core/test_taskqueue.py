"""The queue says how long its oldest pending task has waited, on every storage we use."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from kindred.core import taskqueue

REDIS_URL = os.environ.get("KINDRED_TEST_REDIS_URL")


def _memory() -> Any:
    return taskqueue.KindredMemoryHuey(f"tq-{uuid.uuid4().hex}", immediate=False)


def _sqlite(tmp_path: Any) -> Any:
    return taskqueue.KindredSqliteHuey(
        f"tq-{uuid.uuid4().hex}", filename=str(tmp_path / "tasks.sqlite3"), immediate=False
    )


def _redis() -> Any:
    if not REDIS_URL:
        pytest.skip("KINDRED_TEST_REDIS_URL is not set (make test sets it)")
    return taskqueue.KindredRedisHuey(f"tq-{uuid.uuid4().hex}", url=REDIS_URL, immediate=False)


@pytest.fixture(params=["memory", "sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def huey(request: Any, tmp_path: Any) -> Iterator[Any]:
    huey = {"memory": _memory, "sqlite": lambda: _sqlite(tmp_path), "redis": _redis}[
        request.param
    ]()
    yield huey
    huey.flush()


def test_an_empty_queue_has_no_age(huey):
    assert taskqueue.oldest_pending_age(huey) is None


def test_the_age_is_that_of_the_oldest_queued_task(huey, monkeypatch):
    calls: list[int] = []

    @huey.task()
    def work(n: int) -> None:
        calls.append(n)

    t0 = time.time()
    monkeypatch.setattr(taskqueue.time, "time", lambda: t0 - 90)
    work(1)
    monkeypatch.setattr(taskqueue.time, "time", lambda: t0 - 10)
    work(2)
    monkeypatch.setattr(taskqueue.time, "time", lambda: t0)
    assert 89 <= taskqueue.oldest_pending_age(huey) <= 91
    assert huey.pending_count() == 2

    # A worker takes the oldest: the next one's age is reported, and the task runs intact.
    huey.execute(huey.dequeue())
    assert calls == [1]
    assert 9 <= taskqueue.oldest_pending_age(huey) <= 11
    huey.execute(huey.dequeue())
    assert calls == [1, 2]
    assert taskqueue.oldest_pending_age(huey) is None


def test_every_priority_level_is_looked_at(huey, monkeypatch):
    @huey.task(priority=10)
    def urgent() -> None:
        pass

    @huey.task()
    def routine() -> None:
        pass

    t0 = time.time()
    monkeypatch.setattr(taskqueue.time, "time", lambda: t0 - 200)
    routine()
    monkeypatch.setattr(taskqueue.time, "time", lambda: t0 - 5)
    urgent()
    monkeypatch.setattr(taskqueue.time, "time", lambda: t0)
    # The urgent task is next to run, but the routine one has waited longest.
    assert 199 <= taskqueue.oldest_pending_age(huey) <= 201


def test_a_task_past_its_eta_but_not_moved_to_the_queue_counts_from_its_eta(huey):
    @huey.task()
    def later() -> None:
        pass

    # A retry's backoff goes to the schedule; a worker moves it to the queue when due.
    now = huey._get_timestamp()
    huey.add_schedule(later.s(eta=now - timedelta(seconds=45)))
    huey.add_schedule(later.s(eta=now + timedelta(hours=1)))
    assert huey.pending_count() == 0 and huey.scheduled_count() == 2
    assert 44 <= taskqueue.oldest_pending_age(huey) <= 47


def test_a_task_scheduled_for_later_is_not_pending(huey):
    @huey.task()
    def later() -> None:
        pass

    huey.add_schedule(later.s(delay=600))
    assert taskqueue.oldest_pending_age(huey) is None


def test_stamps_round_trip_and_old_messages_pass_unchanged():
    data = b"\x80\x04payload"
    stamped = taskqueue.stamp(data, now=1_700_000_000.25)
    assert taskqueue.unstamp(stamped) == data
    assert taskqueue.stamped_at(stamped) == pytest.approx(1_700_000_000.25)
    # A message queued before stamps existed is read as it is, and not timed.
    assert taskqueue.unstamp(data) == data
    assert taskqueue.stamped_at(data) is None


def test_a_storage_that_cannot_tell_reports_nothing():
    from huey import MemoryHuey

    plain = MemoryHuey("plain", immediate=False)

    @plain.task()
    def work() -> None:
        pass

    work()
    assert taskqueue.oldest_pending_age(plain) is None
