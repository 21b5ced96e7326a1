"""huey classes whose queue can say how long its oldest pending task has waited.

/healthz reports ``oldest_pending_task_age_s`` from this, read from the queue itself:

- Redis (``PriorityRedisHuey``): huey already prefixes every queued message with its
  enqueue time in microseconds (to keep FIFO order inside a priority). The oldest message
  of each priority level is the first of that level, so one ``ZRANGEBYSCORE … LIMIT 0 1``
  per level (one per ``PRIORITY_*`` in use) finds the oldest.
- SQLite (the embedded default) and memory: each message is stored behind a short stamp
  (a marker and its enqueue time), taken off again before huey reads it. Messages
  queued before the stamp existed have none and are simply not timed.

A task is also pending once its ``eta`` (a retry's backoff, a delayed task) has passed
and no worker has moved it from the schedule to the queue: its age counts from its eta.
Everything here reads at most a handful of rows and never deserialises a task.
"""

from __future__ import annotations

import struct
import time
from typing import Any

from huey import MemoryHuey, PriorityRedisHuey, SqliteHuey
from huey.storage import MemoryStorage, PriorityRedisStorage, SqliteStorage

STAMP_MARK = b"\x00kq1"
_TIME = struct.Struct(">Q")  # microseconds since the epoch
STAMP_LENGTH = len(STAMP_MARK) + _TIME.size
# Priority levels a Redis peek walks at most: Kindred's tasks use three (PRIORITY_*).
MAX_PRIORITY_LEVELS = 8

# Higher runs first, on every storage used here (Redis, SQLite, memory). Safety work
# (escalation timers, the overdue sweep) never waits behind queued mail; safety mail
# goes before other mail. Everything else is 0, huey's default.
PRIORITY_SAFETY = 20
PRIORITY_SAFETY_MAIL = 10
PRIORITY_MAIL = 0


def mail_priority(kind: str) -> int:
    return PRIORITY_SAFETY_MAIL if kind.startswith("safety.") else PRIORITY_MAIL


def stamp(data: bytes, now: float | None = None) -> bytes:
    at = time.time() if now is None else now
    return STAMP_MARK + _TIME.pack(int(at * 1e6)) + data


def unstamp(data: bytes) -> bytes:
    data = bytes(data)
    return data[STAMP_LENGTH:] if data.startswith(STAMP_MARK) else data


def stamped_at(data: bytes) -> float | None:
    """The enqueue time in ``data``'s stamp, or None for a message queued without one."""
    data = bytes(data)
    if not data.startswith(STAMP_MARK) or len(data) < STAMP_LENGTH:
        return None
    return float(_TIME.unpack(data[len(STAMP_MARK) : STAMP_LENGTH])[0]) / 1e6


class StampedSqliteStorage(SqliteStorage):
    def enqueue(self, data: bytes, priority: int | None = None) -> None:
        super().enqueue(stamp(data), priority)

    def dequeue(self) -> bytes | None:
        data = super().dequeue()
        return None if data is None else unstamp(data)

    def enqueued_items(self, limit: int | None = None) -> list[bytes]:
        return [unstamp(item) for item in super().enqueued_items(limit)]

    def oldest_enqueued_at(self) -> float | None:
        # Row ids grow with every insert, whatever the priority: the smallest is the oldest.
        rows = self.sql(
            "select substr(data, 1, ?) from task where queue = ? order by id limit 1",
            (STAMP_LENGTH, self.name),
            results=True,
        )
        return stamped_at(rows[0][0]) if rows else None

    def earliest_eta(self, now: Any) -> tuple[float, float] | None:
        """(the earliest eta in the schedule, ``now``) on the schedule's clock."""
        rows = self.sql(
            "select min(timestamp) from schedule where queue = ?", (self.name,), results=True
        )
        if not rows or rows[0][0] is None:
            return None
        return float(rows[0][0]), now.timestamp()


class StampedMemoryStorage(MemoryStorage):
    def enqueue(self, data: bytes, priority: int | None = None) -> None:
        super().enqueue(stamp(data), priority)

    def dequeue(self) -> bytes | None:
        data = super().dequeue()
        return None if data is None else unstamp(data)

    def enqueued_items(self, limit: int | None = None) -> list[bytes]:
        return [unstamp(item) for item in super().enqueued_items(limit)]

    def oldest_enqueued_at(self) -> float | None:
        with self._lock:
            times = [stamped_at(data) for _, _, data in self._queue]
        known = [at for at in times if at is not None]
        return min(known) if known else None

    def earliest_eta(self, now: Any) -> tuple[float, float] | None:
        with self._lock:
            if not self._schedule:
                return None
            eta = self._schedule[0][0]  # a heap: the smallest first
        return eta.timestamp(), now.timestamp()


class PeekablePriorityRedisStorage(PriorityRedisStorage):
    def oldest_enqueued_at(self) -> float | None:
        oldest: float | None = None
        low: str = "-inf"
        for _ in range(MAX_PRIORITY_LEVELS):
            items = self.conn.zrangebyscore(
                self.queue_key, low, "+inf", start=0, num=1, withscores=True
            )
            if not items:
                break
            member, score = items[0]
            at = _TIME.unpack(member[: _TIME.size])[0] / 1e6
            oldest = at if oldest is None else min(oldest, at)
            low = f"({score!r}"
        return oldest

    def earliest_eta(self, now: Any) -> tuple[float, float] | None:
        items = self.conn.zrange(self.schedule_key, 0, 0, withscores=True)
        if not items:
            return None
        return float(items[0][1]), self.convert_ts(now)


class KindredRedisHuey(PriorityRedisHuey):
    storage_class = PeekablePriorityRedisStorage


class KindredSqliteHuey(SqliteHuey):
    storage_class = StampedSqliteStorage


class KindredMemoryHuey(MemoryHuey):
    storage_class = StampedMemoryStorage


def oldest_pending_age(huey: Any) -> float | None:
    """Seconds the longest-waiting runnable task has waited; None when none waits.

    Also None where the storage cannot tell (a huey class from outside this module, or
    the in-memory store of immediate mode, where nothing ever waits).
    """
    storage = huey.storage
    if not hasattr(storage, "oldest_enqueued_at"):
        return None
    ages: list[float] = []
    enqueued = storage.oldest_enqueued_at()
    if enqueued is not None:
        ages.append(time.time() - enqueued)
    # huey's own clock for etas (naive UTC by default), so both sides agree.
    eta = storage.earliest_eta(huey._get_timestamp())
    if eta is not None and eta[0] <= eta[1]:
        ages.append(eta[1] - eta[0])
    return max(0.0, max(ages)) if ages else None
