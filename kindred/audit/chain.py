"""Hashing and verification of the audit chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(fields: dict[str, Any]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str).encode()


def event_hash(
    *,
    seq: int,
    at: str,
    actor_id: int | None,
    event: str,
    target_type: str,
    target_id: str,
    changes: Any,
    ip: str | None,
    prev_hash: str,
) -> str:
    payload = canonical(
        {
            "seq": seq,
            "at": at,
            "actor_id": actor_id,
            "event": event,
            "target_type": target_type,
            "target_id": target_id,
            "changes": changes,
            "ip": ip,
            "prev_hash": prev_hash,
        }
    )
    return hashlib.sha256(payload).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def find_breaks(rows: Iterable[Any], head: Any | None = None) -> list[ChainBreak]:
    """Walk rows in ``seq`` order and report every place the chain does not hold."""
    breaks: list[ChainBreak] = []
    expected_prev = GENESIS
    expected_seq = 1
    last_seq = 0
    for row in rows:
        if row.seq != expected_seq:
            breaks.append(
                ChainBreak(row.seq, f"rows missing before #{row.seq} (expected #{expected_seq})")
            )
        if row.prev_hash != expected_prev:
            breaks.append(ChainBreak(row.seq, "previous-hash link does not match the row before"))
        recomputed = event_hash(
            seq=row.seq,
            at=row.at.isoformat(),
            actor_id=row.actor_id,
            event=row.event,
            target_type=row.target_type,
            target_id=row.target_id,
            changes=row.changes,
            ip=row.ip,
            prev_hash=row.prev_hash,
        )
        if recomputed != row.hash:
            breaks.append(ChainBreak(row.seq, "row content does not match its hash (edited)"))
        expected_prev = row.hash
        expected_seq = row.seq + 1
        last_seq = row.seq
    if head is not None and (head.seq != last_seq or (last_seq and head.hash != expected_prev)):
        breaks.append(ChainBreak(last_seq + 1, f"rows missing at the end (head is #{head.seq})"))
    return breaks
