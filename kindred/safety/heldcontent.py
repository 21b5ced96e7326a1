"""Content held by a safety policy: each app registers how to find and release its items.

When an area's policy says "hold", the app stores what was written but shows it only to
its writer, and :func:`kindred.safety.actions.screen_text` raises a flag naming it
(``source_type``/``source_id``). This registry lets the moderator release it from the
flag page without the safety app knowing anything about rooms or posts:

* ``is_held(source_id)`` — whether the item is still held (False when it is gone); one
  query at most, as the flag page asks it on every view.
* ``release(moderator, source_id)`` — show it to everyone who would normally see it.
  It checks, under the item's own lock, that the item is still held and raises
  :class:`~kindred.safety.actions.SafetyActionError` when it is not; it raises
  :class:`~kindred.core.access.NotFound` when the app's own rules keep this moderator
  from releasing it (e.g. a community space with named moderators).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kindred.audit.actions import record_event
from kindred.core.registry import Registry
from kindred.safety import audit_names as safety_audit
from kindred.safety.actions import SafetyActionError
from kindred.safety.models import Flag

if TYPE_CHECKING:
    from kindred.accounts.models import User

NOTHING_HELD = _lazy(
    "Nothing from this flag is held any more: it was released already, or it is gone."
)


@dataclass(frozen=True)
class HeldKind:
    """How one app finds and releases its held items, and how the flag page names them."""

    is_held: Callable[[str], bool]
    release: Callable[[User, str], None]
    noun: str
    action_label: str
    done_message: str


# A type may be registered again: the new functions take the old ones' place.
HELD_KINDS = Registry[HeldKind]("held content kinds")


_MAX_PK = 2**63 - 1


def source_pk(source_id: str) -> int | None:
    """A flag's ``source_id`` as a primary key, or None (malformed ids are not held)."""
    if not source_id.isdigit():
        return None
    pk = int(source_id)
    return pk if 0 < pk <= _MAX_PK else None


def register(
    source_type: str,
    *,
    is_held: Callable[[str], bool],
    release: Callable[[User, str], None],
    noun: str,
    action_label: str = "Release",
    done_message: str = "Released: others can see it now.",
) -> None:
    """``noun`` names the item for the moderator ("room message"); ``action_label`` is
    the release button's wording and ``done_message`` what the moderator reads after."""
    HELD_KINDS.register(
        source_type, HeldKind(is_held, release, noun, action_label, done_message), replace=True
    )


def unregister(source_type: str) -> None:
    """For tests that register a kind of their own."""
    HELD_KINDS.unregister(source_type)


def _kind(flag: Flag) -> HeldKind | None:
    kind = HELD_KINDS.get(flag.source_type, None)
    return kind if kind is not None and flag.source_id else None


def held_item(flag: Flag) -> HeldKind | None:
    """The kind of what ``flag`` points at, if that is still held; None otherwise
    (also for unregistered types and flags without an item, which cost no query)."""
    kind = _kind(flag)
    return kind if kind is not None and kind.is_held(flag.source_id) else None


def do_release(moderator: User, flag: Flag) -> HeldKind:
    """Release what ``flag`` points at; callers have checked ``access_flag(write=True)``.

    The flag must still be open: resolving it is the moderator's decision about the
    content (e.g. "content removed"), and releasing it afterwards would undo that.
    """
    kind = _kind(flag)
    if kind is None:
        raise SafetyActionError(str(NOTHING_HELD))
    with transaction.atomic():
        # Row lock, as every flag transition takes: one decision per flag at a time.
        locked = Flag.objects.select_for_update().get(pk=flag.pk)
        if not locked.is_open:
            raise SafetyActionError(_("This flag is already closed."))
        if not kind.is_held(locked.source_id):
            raise SafetyActionError(str(NOTHING_HELD))
        kind.release(moderator, locked.source_id)
        record_event(
            actor=moderator,
            event=safety_audit.FLAG_CONTENT_RELEASED,
            target=locked,
            changes={"source_type": locked.source_type, "source_id": locked.source_id},
        )
    return kind
