"""Key rotation: every stored ciphertext under the first key, and a way to know when.

Ciphertext lives in two kinds of place: the columns of the ``Encrypted*Field`` s (found by
walking the app registry, so a new model is covered without being listed here) and values
inside a plain JSON field that another library encrypts through one of our hooks
(allauth's TOTP secrets and recovery-code seeds). The app that owns such a field registers
it in :data:`CIPHERTEXTS_IN_JSON`.

A Fernet token does not name its key: a token is under the primary key when its HMAC
verifies under that key alone. Rotation reads a batch without locks to find the rows
holding a value under an old key, then, in one short transaction per batch, locks those
rows (``select_for_update``), reads them again and writes back each value re-encrypted,
after proving that the new ciphertext decrypts to the same plaintext. A concurrent write
that commits before the lock is read and rotated; one that comes after it waits for the
batch to commit and then replaces the row, so no write is lost. Rows already under the
primary key are never written: a run that stops is simply run again.

Immutable rows (signed progress notes, addenda) are guarded by database triggers. A
guard lets a re-encryption through:

* on PostgreSQL, when the transaction has set ``kindred.reencrypting`` to ``on`` and no
  column but the encrypted ones changes (clinical migration 0003 is the example);
* on SQLite, whose triggers cannot see any session state, the rotation drops the table's
  guards (its triggers that ``RAISE(ABORT, …)``) inside the batch transaction and
  recreates them before it commits. SQLite has one writer at a time (Kindred begins
  every transaction IMMEDIATE), so no other write ever runs without them.

Any other change to such a row is refused as before; the ORM-level guards
(``ProgressNote.save``) are bypassed by writing through the model's base manager.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models import F, Value
from django.db.models.functions import Cast

from kindred.core.crypto import (
    DecryptionError,
    decrypt_text,
    is_under_primary_key,
    rotate_token,
)
from kindred.core.fields import encrypted_fields
from kindred.core.registry import Registry

BATCH = 500
# The transaction-local PostgreSQL setting a guard trigger consults.
REENCRYPTING = "kindred.reencrypting"


@dataclass(frozen=True)
class CiphertextsInJSON:
    """Ciphertexts kept in a plain JSON ``field`` of ``model``: the value under each of
    ``keys`` (top level) is a token or a list of tokens; other keys are left alone."""

    model: type[models.Model]
    field: str
    keys: tuple[str, ...]


CIPHERTEXTS_IN_JSON = Registry[CiphertextsInJSON]("ciphertexts in JSON fields")


class RotationError(Exception):
    """A re-encrypted value would not decrypt to the plaintext it replaces."""


class State(enum.Enum):
    CURRENT = "current"
    OLD = "old"
    UNREADABLE = "unreadable"


def token_state(token: str) -> State:
    if is_under_primary_key(token):
        return State.CURRENT
    try:
        decrypt_text(token)
    except DecryptionError:
        return State.UNREADABLE
    return State.OLD


class _Slot(Protocol):
    @property
    def name(self) -> str: ...

    def select(self) -> Any: ...
    def tokens(self, raw: Any) -> list[str]: ...
    def replaced(self, raw: Any, new: dict[str, str]) -> Any: ...


@dataclass(frozen=True)
class _Column:
    """An ``Encrypted*Field``: the column holds one token."""

    name: str

    def select(self) -> Any:
        # Read as plain text: the stored token, not the field's decrypted value.
        return Cast(self.name, output_field=models.TextField())

    def tokens(self, raw: Any) -> list[str]:
        return [raw] if isinstance(raw, str) and raw else []

    def replaced(self, raw: Any, new: dict[str, str]) -> Any:
        # A plain-text Value, so the field does not encrypt the token once more.
        return Value(new.get(raw, raw), output_field=models.TextField())


@dataclass(frozen=True)
class _InJSON:
    name: str
    keys: tuple[str, ...]

    def select(self) -> Any:
        return F(self.name)

    def tokens(self, raw: Any) -> list[str]:
        if not isinstance(raw, dict):
            return []
        found: list[str] = []
        for key in self.keys:
            value = raw.get(key)
            if isinstance(value, str):
                found.append(value)
            elif isinstance(value, list):
                found.extend(item for item in value if isinstance(item, str))
        return found

    def replaced(self, raw: Any, new: dict[str, str]) -> Any:
        data = dict(raw)
        for key in self.keys:
            value = data.get(key)
            if isinstance(value, str):
                data[key] = new.get(value, value)
            elif isinstance(value, list):
                data[key] = [new.get(v, v) if isinstance(v, str) else v for v in value]
        return data


@dataclass(frozen=True)
class SealedModel:
    """A model and the places in its rows that hold ciphertext."""

    model: type[models.Model]
    slots: tuple[_Slot, ...]

    def label(self, slot: _Slot) -> str:
        return f"{self.model._meta.label}.{slot.name}"


def sealed_models() -> list[SealedModel]:
    """Every installed model with ciphertext, in app-registry order."""
    in_json: dict[type[models.Model], list[CiphertextsInJSON]] = {}
    for entry in CIPHERTEXTS_IN_JSON.values():
        in_json.setdefault(entry.model, []).append(entry)
    found = []
    for model in apps.get_models():
        slots: list[_Slot] = [_Column(name) for name in encrypted_fields(model)]
        slots += [_InJSON(entry.field, entry.keys) for entry in in_json.get(model, [])]
        if slots:
            found.append(SealedModel(model, tuple(slots)))
    return found


@dataclass
class Tally:
    """Rows of one model's field: ``old`` still under an old key, ``unreadable`` under
    no configured key, ``rewritten`` re-encrypted by this run."""

    old: int = 0
    unreadable: int = 0
    rewritten: int = 0


Report = dict[str, Tally]


def _rows(
    sealed: SealedModel,
    *,
    after: Any = None,
    pks: list[Any] | None = None,
    lock: bool = False,
    limit: int = BATCH,
) -> list[tuple[Any, ...]]:
    """``(pk, raw value per slot…)`` in primary-key order: the next batch after ``after``,
    or the rows ``pks``; ``lock`` takes their row locks (caller is inside a transaction)."""
    queryset = sealed.model._base_manager.order_by("pk")
    if pks is not None:
        queryset = queryset.filter(pk__in=pks)
    elif after is not None:
        queryset = queryset.filter(pk__gt=after)
    if lock:
        queryset = queryset.select_for_update()
    raw = {f"kindred_raw_{slot.name}": slot.select() for slot in sealed.slots}
    rows = queryset.annotate(**raw).values_list("pk", *raw)
    return list(rows if pks is not None else rows[:limit])


def _batches(sealed: SealedModel, batch_size: int) -> Iterator[list[tuple[Any, ...]]]:
    after = None
    while rows := _rows(sealed, after=after, limit=batch_size):
        yield rows
        after = rows[-1][0]


def _states(sealed: SealedModel, raws: tuple[Any, ...]) -> list[set[State]]:
    return [
        {token_state(token) for token in slot.tokens(raw)}
        for slot, raw in zip(sealed.slots, raws, strict=True)
    ]


def get_key_report(*, batch_size: int = BATCH) -> Report:
    """For every model field holding ciphertext: how many rows are still under an old
    key or under none. All zero: the old keys may be removed."""
    report: Report = {}
    for sealed in sealed_models():
        tallies = {slot.name: Tally() for slot in sealed.slots}
        for rows in _batches(sealed, batch_size):
            for _pk, *raws in rows:
                for slot, states in zip(sealed.slots, _states(sealed, tuple(raws)), strict=True):
                    tallies[slot.name].old += State.OLD in states
                    tallies[slot.name].unreadable += State.UNREADABLE in states
        report.update({sealed.label(slot): tallies[slot.name] for slot in sealed.slots})
    return report


def do_rotate_keys(
    *, batch_size: int = BATCH, on_model: Callable[[str, Report], None] | None = None
) -> Report:
    """Re-encrypt every value under an old key with the primary key.

    Values under no configured key are left as they are and counted as ``unreadable``.
    ``on_model(label, tallies)`` is called as each model is done (progress output).
    """
    report: Report = {}
    for sealed in sealed_models():
        tallies = {slot.name: Tally() for slot in sealed.slots}
        for rows in _batches(sealed, batch_size):
            stale = []
            for pk, *raws in rows:
                states = _states(sealed, tuple(raws))
                for slot, slot_states in zip(sealed.slots, states, strict=True):
                    tallies[slot.name].unreadable += State.UNREADABLE in slot_states
                if any(State.OLD in slot_states for slot_states in states):
                    stale.append(pk)
            if stale:
                _rotate_rows(sealed, stale, tallies)
        model_report = {sealed.label(slot): tallies[slot.name] for slot in sealed.slots}
        report.update(model_report)
        if on_model is not None:
            on_model(sealed.model._meta.label, model_report)
    return report


def _rotate_rows(sealed: SealedModel, pks: list[Any], tallies: dict[str, Tally]) -> None:
    with transaction.atomic(), _guards_lifted(sealed.model):
        # Read again under the lock: a write since the unlocked read is what gets rotated.
        for pk, *raws in _rows(sealed, pks=pks, lock=True):
            changes = {}
            for slot, raw in zip(sealed.slots, raws, strict=True):
                new = {
                    token: reencrypt(token)
                    for token in slot.tokens(raw)
                    if token_state(token) is State.OLD
                }
                if new:
                    changes[slot.name] = slot.replaced(raw, new)
                    tallies[slot.name].rewritten += 1
            if changes:
                # The base manager: ORM guards such as ProgressNote's refuse any update of
                # a signed note; this one is proved to leave every plaintext unchanged.
                sealed.model._base_manager.filter(pk=pk).update(**changes)


def reencrypt(token: str) -> str:
    """``token`` under the primary key, proved to hold the same plaintext."""
    rotated = rotate_token(token)
    if decrypt_text(rotated) != decrypt_text(token):
        raise RotationError("a re-encrypted value does not match its original")
    return rotated


@contextmanager
def _guards_lifted(model: type[models.Model]) -> Iterator[None]:
    """Let the table's immutability triggers pass this transaction's re-encryption.

    Caller is inside ``transaction.atomic()``; on an exception the rollback restores
    whatever was changed here.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'on', true)", [REENCRYPTING])
        yield
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, '', true)", [REENCRYPTING])
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [model._meta.db_table],
            )
            guards = [
                (name, sql)
                for name, sql in cursor.fetchall()
                if "RAISE(ABORT" in "".join(sql.upper().split())
            ]
            for name, _sql in guards:
                cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
        yield
        with connection.cursor() as cursor:
            for _name, sql in guards:
                cursor.execute(sql)
    else:
        yield
