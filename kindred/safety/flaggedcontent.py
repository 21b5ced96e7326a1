"""What a flag is about, on the moderators' flag page: each app registers how to show and hide
its items.

A flag names its item by ``source_type``/``source_id`` (a post, a room message…). This
registry lets the flag page link to the item and hide it from everyone else (and unhide
it) without the safety app knowing anything about rooms or posts. Each app hides its own
way (a post's ``is_hidden`` and its thread, a room message's ``is_hidden`` and a live
event), and its own readers stop seeing the item; the writer still sees their own.

* ``state(source_id)`` — a :class:`ContentState` (where moderators read it, whether it
  is hidden), or None when the item is gone. One query at most: the page asks it on
  every view.
* ``hide(moderator, source_id, reason)`` / ``unhide(moderator, source_id)`` — take the
  item's own lock, raise :class:`~kindred.safety.actions.SafetyActionError` when the item
  is gone or already in that state, and :class:`~kindred.core.access.NotFound` when the
  app's own rules keep this moderator from it (a space with named moderators).
* ``context(source_id)`` (optional) — for items with no page of their own (a message in
  a live room): the lines around it that a moderator may read, shown on the flag's
  content page. Apps decide how much context is theirs to show.

Private clinical text (a member's secure message to their therapist, a questionnaire
answer) is never registered here, and :func:`kind_of` refuses any flag in a clinical
scope whatever its source: moderators do not read it in place or hide it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kindred.audit.actions import record_event
from kindred.core.access import NotFound
from kindred.core.events import role_group, send_event_on_commit
from kindred.core.registry import Registry
from kindred.core.roles import Role
from kindred.safety import audit_names as safety_audit
from kindred.safety.actions import SafetyActionError
from kindred.safety.events import flag_updated
from kindred.safety.models import Flag

if TYPE_CHECKING:
    from kindred.accounts.models import User

GONE = _lazy("What this flag is about is gone: it was deleted, or it never had a page.")


@dataclass(frozen=True)
class ContentState:
    # Where a moderator reads the item in place; "" when it has no page of its own
    # (the flag's content page shows it in context instead).
    url: str
    is_hidden: bool


@dataclass(frozen=True)
class ContextLine:
    """One line around a flagged item, for its content page (``is_flagged`` marks it)."""

    author: str
    body: str
    at: datetime
    is_flagged: bool = False
    is_hidden: bool = False
    is_held: bool = False


@dataclass(frozen=True)
class ContentKind:
    noun: str
    state: Callable[[str], ContentState | None]
    hide: Callable[[User, str, str], None]
    unhide: Callable[[User, str], None]
    context: Callable[[str], list[ContextLine]] | None = None

    @property
    def has_context(self) -> bool:
        # For templates, which would call ``context`` rather than test it.
        return self.context is not None


CONTENT_KINDS = Registry[ContentKind]("flagged content kinds")


def register(
    source_type: str,
    *,
    noun: str,
    state: Callable[[str], ContentState | None],
    hide: Callable[[User, str, str], None],
    unhide: Callable[[User, str], None],
    context: Callable[[str], list[ContextLine]] | None = None,
) -> None:
    """``noun`` names the item for the moderator ("post", "room message")."""
    CONTENT_KINDS.register(source_type, ContentKind(noun, state, hide, unhide, context))


def unregister(source_type: str) -> None:
    """For tests that register a kind of their own."""
    CONTENT_KINDS.unregister(source_type)


def kind_of(flag: Flag) -> ContentKind | None:
    if flag.is_clinical:
        # Whatever its source, a clinical flag's content is its clinician's alone: nothing
        # for moderators to open in place, read in context or hide (kindred/safety/access.py).
        return None
    kind = CONTENT_KINDS.get(flag.source_type, None)
    return kind if kind is not None and flag.source_id else None


@dataclass(frozen=True)
class FlaggedItem:
    kind: ContentKind
    state: ContentState


def flagged_item(flag: Flag) -> FlaggedItem | None:
    """What ``flag`` is about, if it is registered and still there (one query at most)."""
    kind = kind_of(flag)
    if kind is None:
        return None
    state = kind.state(flag.source_id)
    return FlaggedItem(kind, state) if state is not None else None


def do_set_hidden(moderator: User, flag: Flag, hidden: bool, reason: str = "") -> ContentKind:
    """Hide (or unhide) what ``flag`` is about; callers checked ``access_flag(write=True)``.

    Hiding is allowed whatever the flag's state (it is the safe direction, and a moderator
    may find a resolved flag's content still up). Unhiding needs an open flag: resolving
    it ("content removed") is the decision about the content, and unhiding afterwards
    would undo that silently.
    """
    kind = kind_of(flag)
    if kind is None:
        raise SafetyActionError(str(GONE))
    with transaction.atomic():
        # Row lock, as every flag transition takes: one decision per flag at a time.
        locked = Flag.objects.select_for_update().get(pk=flag.pk)
        if not hidden and not locked.is_open:
            raise SafetyActionError(_("This flag is already closed."))
        if hidden:
            kind.hide(moderator, locked.source_id, reason.strip())
        else:
            kind.unhide(moderator, locked.source_id)
        record_event(
            actor=moderator,
            event=safety_audit.FLAG_CONTENT_HIDDEN
            if hidden
            else safety_audit.FLAG_CONTENT_UNHIDDEN,
            target=locked,
            # The reason is the moderator's words about the content: kept by the app
            # that hides it, not copied into the audit trail.
            changes={"source_type": locked.source_type, "source_id": locked.source_id},
        )
        send_event_on_commit(
            role_group(Role.MODERATOR),
            flag_updated(id=locked.pk, status=locked.status),
        )
    return kind


def access_flagged_content(
    user: User, flag_id: int, *, request: Any = None
) -> tuple[Flag, ContentKind]:
    """The flag and its content's kind, for reading the content in context (an audited read).

    Moderators and staff only: a treating therapist may act on a clinical flag routed to
    them, not read around it, and clinical flags have no content kind (``kind_of`` refuses
    them). Anything else is the same 404 as a missing flag.
    """
    from kindred.audit.actions import record_read
    from kindred.safety.access import access_flag, is_safety_team

    flag = access_flag(user, flag_id, write=True)
    kind = kind_of(flag) if is_safety_team(user) else None
    if kind is None or kind.context is None:
        raise NotFound("content")
    record_read(actor=user, target=flag, request=request, what="flagged content in context")
    return flag, kind
