"""Idempotency keys: a create request retried after an error stores nothing twice.

A client that got no answer (a timeout, a 500 after the write, a dropped connection)
cannot know whether its post was stored; retrying blindly made duplicates. With a key
(the API's ``Idempotency-Key`` header, the web forms' hidden ``idempotency_key`` field,
new on each render of an empty form) the first request records what it created, in the
same transaction, and a retry with the same key gets the same answer back without
creating anything. Keys are per account and kept ``KEEP_FOR`` (24 h).

Concurrency: the first request inserts its key before creating; a second identical
request's insert waits on the unique constraint until the first commits, then fails and
reads the first's result (or, if the first rolled back, goes ahead). No lock is held
across requests otherwise. A key sent again with a different request (another thread,
other text) is refused with :class:`KeyReused`.

Used by: new threads, replies (``kindred.community``) and reports (``kindred.safety``).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django import forms
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.core.models import IdempotencyKey

if TYPE_CHECKING:
    from kindred.accounts.models import User

HEADER = "Idempotency-Key"
FIELD = "idempotency_key"
MAX_LENGTH = 100
KEEP_FOR = timedelta(hours=24)

T = TypeVar("T")


class InvalidKey(ValueError):
    def __str__(self) -> str:
        return str(_("An idempotency key is 1 to 100 printable ASCII characters."))


class KeyReused(Exception):
    def __str__(self) -> str:
        return str(_("This idempotency key was already used for a different request."))


@dataclass(frozen=True)
class Replay:
    """What the first request with this key created and answered."""

    ref: str
    status: int
    detail: dict[str, Any]

    @property
    def object_id(self) -> int:
        return int(self.ref.rsplit(":", 1)[1])


def clean_key(value: str | None) -> str | None:
    """``value`` as a key, None when absent; :class:`InvalidKey` when malformed."""
    if value is None or value == "":
        return None
    if len(value) > MAX_LENGTH or not all(" " < c <= "~" for c in value):
        raise InvalidKey
    return value


def key_from_header(request: HttpRequest) -> str | None:
    return clean_key(request.headers.get(HEADER))


def fingerprint(action: str, target: object, fields: Any) -> str:
    text = json.dumps([action, str(target), fields], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def previous(user: User, key: str | None, print_: str) -> Replay | None:
    """The answer already given for ``key``, if any (a cheap check before rate limits)."""
    if key is None:
        return None
    row = (
        IdempotencyKey.objects.filter(user=user, key=key, created_at__gte=timezone.now() - KEEP_FOR)
        .exclude(ref="")
        .first()
    )
    if row is None:
        return None
    if row.fingerprint != print_:
        raise KeyReused
    return Replay(row.ref, row.status, row.detail)


def once(
    user: User,
    key: str | None,
    print_: str,
    create: Callable[[], T],
    record: Callable[[Any], tuple[str, int, dict[str, Any]]],
) -> tuple[T | None, Replay | None]:
    """Run ``create`` unless ``key`` already did: ``(result, None)`` or ``(None, replay)``.

    ``record`` turns the result into (ref, status, detail) to keep. Errors raised by
    ``create`` roll the key back with everything else, so a retry tries again.
    """
    if key is None:
        return create(), None
    with transaction.atomic():
        try:
            with transaction.atomic():
                # An expired key not yet swept is free again.
                IdempotencyKey.objects.filter(
                    user=user, key=key, created_at__lt=timezone.now() - KEEP_FOR
                ).delete()
                row = IdempotencyKey.objects.create(user=user, key=key, fingerprint=print_)
        except IntegrityError:
            # Another request with this key committed first (we waited for it).
            replay = previous(user, key, print_)
            if replay is None:  # Theirs stored nothing to answer with.
                raise KeyReused from None
            return None, replay
        result = create()
        row.ref, row.status, row.detail = record(result)
        row.save(update_fields=["ref", "status", "detail"])
    return result, None


def delete_expired(now: Any = None) -> int:
    now = now or timezone.now()
    deleted, _counts = IdempotencyKey.objects.filter(created_at__lt=now - KEEP_FOR).delete()
    return deleted


def new_key() -> str:
    return uuid.uuid4().hex


class IdempotentForm(forms.Form):
    """A form with the hidden key: a new one on each render of an empty form, the one
    sent back when a refused form is shown again (nothing was stored under it)."""

    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=MAX_LENGTH, initial=new_key
    )

    def clean_idempotency_key(self) -> str | None:
        try:
            return clean_key(self.cleaned_data.get(FIELD))
        except InvalidKey as exc:
            raise forms.ValidationError(str(exc)) from None

    def fields_for_action(self) -> dict[str, Any]:
        """The cleaned data without the key."""
        return {k: v for k, v in self.cleaned_data.items() if k != FIELD}
