"""One story index per process, kept in step with the database.

Processes stay stateless: the database holds every vector (``PeerProfile.story_vector``)
and each process keeps an in-memory :class:`~kindred.peers.matching.index.PeerIndex`
that it brings up to date before searching, by reading only the profiles changed
since its last sync (and the removals recorded since then).

A transaction that set ``updated_at = T`` may commit after another process has
already synced past ``T``; so each sync re-reads a short overlap window before its
watermark. Upserts are idempotent, so reading a row twice costs nothing.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.utils import timezone

logger = logging.getLogger(__name__)

# Longer than any transaction that saves a profile is expected to stay open.
SYNC_OVERLAP = timedelta(seconds=30)
# Removals older than this are pruned; a process idle longer rebuilds from scratch.
REMOVAL_RETENTION = timedelta(days=1)
BUILD_BATCH = 5000
# A process syncs at most this often: a burst of page views costs one sync, and a
# suggestion list a second stale is still a good one.
MIN_SYNC_INTERVAL = timedelta(seconds=2)

_lock = threading.Lock()
_state: dict[str, Any] = {"index": None, "synced_at": None}


def encode_vector(vector: Any) -> bytes:
    return np.asarray(vector, dtype="<f4").tobytes()


def decode_vector(data: bytes | memoryview | None) -> np.ndarray | None:
    if data is None:
        return None
    return np.frombuffer(bytes(data), dtype="<f4")


def _new_index() -> Any:
    from kindred.peers.matching.index import PeerIndex

    return PeerIndex()


def reset() -> None:
    """Drop this process's index (tests; a later call rebuilds it from the database)."""
    with _lock:
        _state["index"] = None
        _state["synced_at"] = None


def expire() -> None:
    """Make the next :func:`sync` read the database whatever the interval (tests)."""
    with _lock:
        if _state["synced_at"] is not None:
            _state["synced_at"] -= MIN_SYNC_INTERVAL


def sync() -> Any:
    """Bring this process's index up to date and return it."""
    from kindred.peers.matching.index import sync_index
    from kindred.peers.models import PeerProfile, ProfileRemoval

    with _lock:
        index = _state["index"]
        since: datetime | None = _state["synced_at"]
        started = timezone.now()
        if index is not None and since is not None and started - since < MIN_SYNC_INTERVAL:
            return index
        if index is None or since is None or started - since > REMOVAL_RETENTION:
            index = _new_index()
            since = None
        rows = PeerProfile.objects.all()
        removals = ProfileRemoval.objects.none()
        if since is not None:
            rows = rows.filter(updated_at__gte=since - SYNC_OVERLAP)
            removals = ProfileRemoval.objects.filter(removed_at__gte=since - SYNC_OVERLAP)
        if since is None:
            _build(index, rows.filter(story_vector__isnull=False))
        else:
            changes: list[tuple[int, np.ndarray | None]] = [
                (user_id, decode_vector(vector))
                for user_id, vector in rows.values_list("user_id", "story_vector").iterator()
            ]
            changes += [(user_id, None) for user_id in removals.values_list("user_id", flat=True)]
            if changes:
                sync_index(index, changes)
        _state["index"] = index
        _state["synced_at"] = started
        return index


def _build(index: Any, rows: Any, batch: int = BUILD_BATCH) -> None:
    """Fill an empty index in batches: one graph insert per batch, not per vector."""
    keys: list[int] = []
    vectors: list[np.ndarray] = []

    def flush() -> None:
        if keys:
            index.upsert_many(keys, np.stack(vectors))
            keys.clear()
            vectors.clear()

    for user_id, data in rows.values_list("user_id", "story_vector").iterator(chunk_size=batch):
        vector = decode_vector(data)
        # A zero vector is an emptied story: nothing to find it by.
        if vector is not None and vector.any():
            keys.append(user_id)
            vectors.append(vector)
        if len(keys) >= batch:
            flush()
    flush()


def forget(user_id: int) -> None:
    """Drop one vector from this process's index now (others drop it at their next sync)."""
    with _lock:
        index = _state["index"]
        if index is not None:
            index.remove(user_id)


def search(vector: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Nearest stories to ``vector`` (user id, cosine similarity), best first."""
    index = sync()
    if len(index) == 0:
        return []
    return [(int(key), float(sim)) for key, sim in index.search(vector, k)]


def prune_removals(now: datetime | None = None) -> int:
    from kindred.peers.models import ProfileRemoval

    cutoff = (now or timezone.now()) - REMOVAL_RETENTION
    deleted, _ = ProfileRemoval.objects.filter(removed_at__lt=cutoff).delete()
    return deleted
