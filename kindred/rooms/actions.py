"""Room operations, shared by the WebSocket consumer, the API, other apps and tests.

Ordering. A message's ``seq`` is ``Room.last_seq + 1`` taken under the room's row lock
(``select_for_update``), so within a room commit order equals seq order. A client that
has seen seq N and asks for "everything after N" can therefore never miss a message
that committed late with a lower number. Every message is stored before it is
broadcast: broadcasts go out only after the posting transaction commits.

Held messages. Every text message is screened with
:func:`kindred.safety.actions.screen_text`. When the safety policy of the kind's
screening area says ``hold`` for the level found (by default no live-room area holds:
a facilitator or peer is present and a hidden message breaks the conversation), the
room stores the message but shows it only to its writer — in their own sockets, in
the history they read and in the API — until a moderator releases it with
:func:`do_release_message`. Release gives the message the room's next seq, so it
appears where the room is at that moment and clients that resume "after N" still
receive it; the writer's client replaces its earlier copy (``replaces``). A moderator
may also hide a message from the flag page (:func:`do_set_message_hidden`): like a held
one, it is then shown only to its writer, and unhiding it works like a release. The kind's
``on_risk`` runs for every message screened moderate or above, held or not, so the
kind can alert its own people (e.g. the facilitator) privately; the writer is sent
crisis resources at once whenever the screen asks for support.

Audit. Room lifecycle changes (close, open, release, hide, unhide) are audited. Single messages
are not: room text is peer conversation, not clinical data, and the audit chain's
global lock would serialise every room on the site.

Nothing here logs message text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _lazy

from kindred.accounts.deletion import shown_author
from kindred.accounts.models import User
from kindred.audit.actions import record_event
from kindred.core.events import send_event_on_commit
from kindred.core.inputs import text_problem
from kindred.core.ratelimit import warn_cache_failure
from kindred.core.retention import BATCH_SIZE, delete_in_batches
from kindred.core.sharedcache import shared_cache
from kindred.rooms import audit_names as rooms_audit
from kindred.rooms import conf
from kindred.rooms.events import (
    CrisisCountryInfo,
    MessageFrame,
    SupportFrame,
    closed_frame,
    hidden_frame,
    message_frame,
    removed_frame,
    room_event,
    support_dismissed_frame,
    support_frame,
)
from kindred.rooms.kinds import get_kind
from kindred.rooms.models import MessageKind, Room, RoomConnection, RoomMessage, RoomSupport
from kindred.safety.access import blocked_user_ids
from kindred.safety.actions import screen_for, screen_text
from kindred.safety.models import CrisisCountry
from kindred.safety.screening import ScreenResult

CLOSED_DETAIL = _lazy("This room is closed.")
NOT_IN_ROOM_DETAIL = _lazy("You are not in this room.")
EMPTY_DETAIL = _lazy("Write something first.")
RATE_DETAIL = _lazy("You are sending messages too quickly. Wait a few seconds and try again.")
# What the screen reads with a message: the author's own messages of the last few minutes.
SCREEN_CONTEXT_WINDOW = timedelta(minutes=10)
SCREEN_CONTEXT_MESSAGES = 2
SCREEN_CONTEXT_SCAN = 200


class RoomError(Exception):
    """A rule stops this message; ``detail`` is for the person. ``retry_after`` (seconds)
    is set when the rule is the rate limit, so callers can say when to try again."""

    def __init__(self, detail: str, *, retry_after: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after


# --- Channel groups ----------------------------------------------------------------


def room_group(room_id: int) -> str:
    """Every socket in the room."""
    return f"rooms.{room_id}"


def room_user_group(room_id: int, user_id: int) -> str:
    """One person's sockets in one room (private events, removal)."""
    return f"rooms.{room_id}.user.{user_id}"


# --- Rooms -------------------------------------------------------------------------


def get_or_create_room(kind: str, object_id: int) -> Room:
    get_kind(kind)  # An unknown kind is a programming error: fail here, not at join.
    room, _ = Room.objects.get_or_create(kind=kind, object_id=object_id)
    return room


def do_close_room(room: Room, *, actor: User | None = None) -> None:
    """Close the room to new messages and disconnect everyone with ``{"type": "closed"}``."""
    with transaction.atomic():
        locked = Room.objects.select_for_update().get(pk=room.pk)
        if locked.is_open:
            locked.is_open = False
            locked.closed_at = timezone.now()
            locked.save(update_fields=["is_open", "closed_at"])
            record_event(actor=actor, event=rooms_audit.ROOM_CLOSED, target=locked)
        send_event_on_commit(room_group(room.pk), closed_frame())
    room.is_open, room.closed_at = locked.is_open, locked.closed_at


def do_open_room(room: Room, *, actor: User | None = None) -> None:
    with transaction.atomic():
        locked = Room.objects.select_for_update().get(pk=room.pk)
        if not locked.is_open:
            locked.is_open = True
            locked.closed_at = None
            locked.save(update_fields=["is_open", "closed_at"])
            record_event(actor=actor, event=rooms_audit.ROOM_OPENED, target=locked)
    room.is_open, room.closed_at = True, None


# --- Messages ----------------------------------------------------------------------


def serialize_message(message: RoomMessage) -> MessageFrame:
    """The wire form of a message (the ``author`` relation should be loaded)."""
    return message_frame(message)


def check_post_message(room: Room, author: User | AnonymousUser, body: object) -> str:
    """The cleaned body, or :class:`RoomError`. Counts the attempt against the rate limit."""
    if not room.is_open:
        raise RoomError(str(CLOSED_DETAIL))
    kind = get_kind(room.kind)
    if not author.is_authenticated or not kind.can_join(author, room):
        raise RoomError(str(NOT_IN_ROOM_DETAIL))
    refusal = kind.write_refusal(author, room)
    if refusal:
        # str(): the reason goes into a WebSocket JSON frame; a lazy one would not encode.
        raise RoomError(str(refusal))
    text = body.strip() if isinstance(body, str) else ""
    if not text:
        raise RoomError(str(EMPTY_DETAIL))
    if problem := text_problem(text):
        raise RoomError(problem)
    limit = conf.get("ROOM_MAX_MESSAGE_LENGTH")
    if len(text) > limit:
        raise RoomError(
            gettext("Messages can be at most %(limit)s characters (this one has %(length)s).")
            % {"limit": f"{limit:,}", "length": f"{len(text):,}"}
        )
    _count_against_rate_limit(room, author)
    return text


def _count_against_rate_limit(room: Room, author: User) -> None:
    """A fixed window per person per room, in the shared cache (so across processes).

    Fails open: if the cache is down (Redis), the message goes through and a warning is
    logged (kindred.core.ratelimit's, at most once a minute); a room is where someone
    may be asking for help.
    """
    window = conf.get("ROOM_RATE_LIMIT_SECONDS")
    now = int(timezone.now().timestamp())
    key = f"rooms:rate:{room.pk}:{author.pk}:{now // window}"
    try:
        cache = shared_cache()
        cache.add(key, 0, timeout=window * 2)
        try:
            count = cache.incr(key)
        except ValueError:  # Evicted between add and incr.
            cache.set(key, 1, timeout=window * 2)
            count = 1
    except Exception as error:
        warn_cache_failure(error)
        return
    if count > conf.get("ROOM_RATE_LIMIT_MESSAGES"):
        raise RoomError(str(RATE_DETAIL), retry_after=window - now % window)


def _next_seq(room_id: int) -> tuple[int, bool]:
    """Advance the room's ``last_seq``; return it and whether the room is open.

    Caller is inside ``transaction.atomic``. The UPDATE takes the row lock until
    commit, exactly as ``select_for_update`` would, and RETURNING saves the separate
    SELECT: this runs for every message posted anywhere on the site.
    """
    table = connection.ops.quote_name(Room._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            # Only the quoted table name is interpolated; the id is a parameter.
            f"UPDATE {table} SET last_seq = last_seq + 1 WHERE id = %s "  # noqa: S608
            "RETURNING last_seq, is_open",
            [room_id],
        )
        row = cursor.fetchone()
    if row is None:
        raise Room.DoesNotExist(f"room {room_id}")
    return int(row[0]), bool(row[1])


def do_post_message(
    room: Room,
    author: User,
    body: str,
    *,
    client_id: str = "",
    prescreened: tuple[str, ScreenResult] | None = None,
    earlier: Sequence[str] | None = None,
) -> RoomMessage:
    """Store, screen and (after commit) broadcast one message; :class:`RoomError` if refused.

    ``client_id`` makes a resend idempotent: if this author already stored a message
    with it in this room, that message is returned and nothing new is stored.
    ``prescreened``: (text, result) from :func:`prescreen_message`, computed off the
    database thread; used only if the text is the one being stored. ``earlier``: the
    author's preceding messages for the screen (read from the room when not given).
    """
    client_id = (client_id or "")[:64]
    # Checked before the lookup: the database cannot even compare such text.
    if problem := text_problem(client_id):
        raise RoomError(problem)
    if client_id:
        stored = _sent_before(room, author, client_id)
        if stored is not None:
            return stored
    text = check_post_message(room, author, body)
    result = prescreened[1] if prescreened is not None and prescreened[0] == text else None
    if result is None and earlier is None:
        earlier = recent_own_messages(room, author)
    try:
        return _store_message(room, author, text, client_id, result, earlier or ())
    except IntegrityError:
        # Two resends raced past the check above; the unique constraint let one
        # store it (the other's transaction, seq included, rolled back).
        stored = _sent_before(room, author, client_id) if client_id else None
        if stored is None:
            raise
        return stored


def prescreen_message(
    room: Room, body: object, earlier: Sequence[str] = ()
) -> tuple[str, ScreenResult] | None:
    """The screen's verdict on a message about to be posted, with no database access, so a
    socket can compute it in a worker thread instead of on the database thread (where the
    model would hold up every other socket's writes and the room's row lock).

    ``earlier``: the author's own messages just before this one (the socket remembers them),
    so "tonight" after "I want to end it" reads as what it is."""
    text = body.strip() if isinstance(body, str) else ""
    if not text or len(text) > conf.get("ROOM_MAX_MESSAGE_LENGTH") or text_problem(text):
        return None
    return text, screen_for(text, area=get_kind(room.kind).screening_area(room), earlier=earlier)


def recent_own_messages(room: Room, author: User) -> list[str]:
    """The author's last texts in this room within ``SCREEN_CONTEXT_WINDOW``, oldest first.

    Bounded to the room's last ``SCREEN_CONTEXT_SCAN`` messages so the lookup stays cheap in a
    long-lived room (it walks the (room, seq) index backwards)."""
    cutoff = timezone.now() - SCREEN_CONTEXT_WINDOW
    last_seq = Room.objects.filter(pk=room.pk).values_list("last_seq", flat=True).first() or 0
    bodies = list(
        RoomMessage.objects.filter(
            room=room,
            seq__gt=last_seq - SCREEN_CONTEXT_SCAN,
            author=author,
            kind=MessageKind.TEXT,
            created_at__gte=cutoff,
        )
        .order_by("-seq")
        .values_list("body", flat=True)[:SCREEN_CONTEXT_MESSAGES]
    )
    return bodies[::-1]


def _store_message(
    room: Room,
    author: User,
    text: str,
    client_id: str,
    prescreened: ScreenResult | None = None,
    earlier: Sequence[str] = (),
) -> RoomMessage:
    kind = get_kind(room.kind)
    with transaction.atomic():
        seq, is_open = _next_seq(room.pk)
        # Closing takes the same lock, so this answer is final for this message.
        if not is_open:
            raise RoomError(str(CLOSED_DETAIL))
        message = RoomMessage.objects.create(
            room=room,
            seq=seq,
            author=author,
            kind=MessageKind.TEXT,
            body=text,
            client_id=client_id,
        )
        outcome = screen_text(
            author,
            text,
            area=kind.screening_area(room),
            source_type="rooms.message",
            source_id=message.pk,
            context=kind.label(room),
            prescreened=prescreened,
            earlier=earlier,
        )
        if outcome.result.level != message.risk_level or outcome.hold:
            # Most messages screen "none": skip the write for them.
            message.risk_level = outcome.result.level
            message.is_held = outcome.hold
            message.save(update_fields=["risk_level", "is_held"])
        if outcome.flag is not None:
            kind.on_risk(message, outcome)
        payload = serialize_message(message)
        if message.is_held:
            send_event_on_commit(room_user_group(room.pk, author.pk), payload)
        else:
            send_event_on_commit(room_group(room.pk), payload)
        if outcome.support:
            do_offer_support(room, author, outcome.result.level)
            send_event_on_commit(
                room_user_group(room.pk, author.pk), support_event(author, outcome.result.level)
            )
    room.last_seq = seq
    return message


def _sent_before(room: Room, author: User, client_id: str) -> RoomMessage | None:
    return RoomMessage.objects.filter(room=room, author=author, client_id=client_id).first()


def do_post_system(room: Room, text: str) -> RoomMessage:
    """A notice from the app itself ("The session has started."), stored and seq'd."""
    with transaction.atomic():
        seq, _ = _next_seq(room.pk)
        message = RoomMessage.objects.create(
            room=room, seq=seq, author=None, kind=MessageKind.SYSTEM, body=text
        )
        send_event_on_commit(room_group(room.pk), serialize_message(message))
    room.last_seq = seq
    return message


def do_release_message(moderator: User, message: RoomMessage) -> RoomMessage:
    """Show a held message to the room. It takes the next seq (see the module docstring)."""
    with transaction.atomic():
        current = RoomMessage.objects.select_for_update().get(pk=message.pk)
        if not current.is_held:
            return current
        old_seq = current.seq
        current.seq, _ = _next_seq(current.room_id)
        current.is_held = False
        current.save(update_fields=["seq", "is_held"])
        record_event(
            actor=moderator,
            event=rooms_audit.MESSAGE_RELEASED,
            target=current,
            changes={"seq": [old_seq, current.seq]},
        )
        released = RoomMessage.objects.select_related("author").get(pk=current.pk)
        send_event_on_commit(_audience(current), message_frame(released, replaces=old_seq))
    return current


def _audience(message: RoomMessage) -> str:
    """Who is sent a message that changed: the room, or only its writer while it is hidden."""
    if message.is_hidden and message.author_id is not None:
        return room_user_group(message.room_id, message.author_id)
    return room_group(message.room_id)


def do_set_message_hidden(moderator: User, message: RoomMessage, hidden: bool) -> bool:
    """Hide a message from everyone but its writer (or show it again); False when it
    already was so. Callers decided the moderator may (the safety flag page).

    Hiding tells every socket to take the message down (``{"type": "hidden"}``; the
    writer's own page keeps it, marked). Unhiding gives it the room's next seq, as a
    release does, so it appears where the room is now and resuming clients receive it.
    """
    with transaction.atomic():
        current = RoomMessage.objects.select_for_update().get(pk=message.pk)
        if current.is_hidden == hidden:
            return False
        old_seq = current.seq
        current.is_hidden = hidden
        fields = ["is_hidden"]
        if not hidden:
            current.seq, _ = _next_seq(current.room_id)
            fields.append("seq")
        current.save(update_fields=fields)
        record_event(
            actor=moderator,
            event=rooms_audit.MESSAGE_HIDDEN if hidden else rooms_audit.MESSAGE_UNHIDDEN,
            target=current,
            changes={"seq": old_seq} if hidden else {"seq": [old_seq, current.seq]},
        )
        current = RoomMessage.objects.select_related("author").get(pk=current.pk)
        if hidden:
            author = current.author.handle if current.author is not None else None
            send_event_on_commit(
                room_group(current.room_id), hidden_frame(seq=old_seq, author=author)
            )
        else:
            payload = message_frame(current, replaces=old_seq)
            # Still held: only its writer sees it, as before it was hidden.
            held_for = current.author_id if current.is_held else None
            group = (
                room_user_group(current.room_id, held_for)
                if held_for is not None
                else room_group(current.room_id)
            )
            send_event_on_commit(group, payload)
    message.is_hidden, message.seq = current.is_hidden, current.seq
    return True


def history(
    room: Room,
    *,
    after_seq: int = 0,
    before_seq: int | None = None,
    limit: int = 200,
    viewer: User | None = None,
) -> list[RoomMessage]:
    """Messages after ``after_seq`` in seq order. No access check: callers check.

    With ``before_seq``: the last ``limit`` messages below it (still oldest first), for
    a page that shows the latest messages and loads earlier ones on demand.

    Held messages, and messages a moderator hid, are included only for their author
    (``viewer``); messages of people the viewer blocked, or who blocked the viewer, and
    of an account whose deletion is pending, are left out.
    """
    # An author whose account is being deleted (inactive) drops out of the history.
    visible = Q(is_held=False, is_hidden=False) & (Q(author__isnull=True) | shown_author())
    viewer_id = viewer.pk if viewer is not None else None
    if viewer_id is not None:
        visible |= Q(author_id=viewer_id)
    messages = RoomMessage.objects.filter(visible, room=room, seq__gt=after_seq)
    hidden = blocked_user_ids(viewer) if viewer is not None else set()
    if hidden:
        messages = messages.exclude(author_id__in=hidden)
    messages = messages.select_related("author")
    if before_seq is None:
        return list(messages.order_by("seq")[:limit])
    # Walks the (room, seq) index backwards from before_seq: as cheap deep in a long room.
    return list(messages.filter(seq__lt=before_seq).order_by("-seq")[:limit])[::-1]


def latest_history(room: Room, *, limit: int, viewer: User | None = None) -> list[RoomMessage]:
    """The room's last ``limit`` messages ``viewer`` may see, oldest first."""
    return history(room, before_seq=2**62, limit=limit, viewer=viewer)


def hidden_handles(viewer: User | None) -> set[str]:
    """Handles whose live messages, typing and presence ``viewer`` does not see.

    Blocks hide people both ways everywhere; in a shared room that means per socket.
    """
    hidden = blocked_user_ids(viewer) if viewer is not None else set()
    if not hidden:
        return set()
    return set(User.objects.filter(pk__in=hidden).values_list("handle", flat=True))


def support_event(user: User, level: str) -> SupportFrame:
    """Crisis resources for the writer's country (and those that work anywhere)."""
    code = (user.country or settings.KINDRED_DEFAULT_COUNTRY or "").upper()
    countries = {
        c.code: c
        for c in CrisisCountry.objects.filter(code__in=[code, "XX"]).prefetch_related("lines")
    }

    def describe(country: CrisisCountry | None) -> CrisisCountryInfo | None:
        if country is None:
            return None
        return {
            "name": country.name,
            "emergency_number": country.emergency_number,
            "emergency": [
                {"label": number.label, "uri": number.uri} for number in country.emergency_numbers
            ],
            "lines": [
                {
                    "name": line.name,
                    "phone": line.phone,
                    "phone_uri": line.phone_uri,
                    "text": line.text_label,
                    "sms_uri": line.sms_uri,
                    "chat_url": line.chat_url,
                    "website": line.website,
                    "hours": line.hours,
                }
                for line in country.lines.all()
            ],
        }

    return support_frame(
        level=level,
        country=describe(countries.get(code)) if code != "XX" else None,
        anywhere=describe(countries.get("XX")),
        help_url="/help/",
    )


def do_offer_support(room: Room, user: User, level: str) -> RoomSupport:
    """Keep the writer's support panel up in this room until they hide it.

    Caller is inside the posting transaction. A new risky message shows a panel the
    person had hidden again: what they wrote now is what matters.
    """
    support, _ = RoomSupport.objects.update_or_create(
        room=room,
        user=user,
        defaults={"level": level, "shown_at": timezone.now(), "dismissed_at": None},
    )
    return support


def do_dismiss_support(user: User, room: Room) -> bool:
    """Hide ``user``'s own support panel in ``room``; False when none was showing.

    Only ever the caller's own row: nobody can hide another person's support.
    Their other open pages of the room hide it too (``support_dismissed``).
    """
    with transaction.atomic():
        hidden = RoomSupport.objects.filter(room=room, user=user, dismissed_at__isnull=True).update(
            dismissed_at=timezone.now()
        )
        if hidden:
            record_event(actor=user, event=rooms_audit.SUPPORT_DISMISSED, target=room)
            send_event_on_commit(room_user_group(room.pk, user.pk), support_dismissed_frame())
    return bool(hidden)


# --- Live-only events ----------------------------------------------------------------


def do_broadcast(room: Room, event: Mapping[str, object]) -> None:
    """Send an app event (not stored; built by its app's ``events`` module) to everyone
    in the room, after commit."""
    send_event_on_commit(room_group(room.pk), room_event(event))


def do_disconnect_user(room: Room, user_id: int, reason: str) -> None:
    """Close ``user_id``'s sockets in the room with ``{"type": "removed", "reason"}``.

    Call after the change that removed them (their reconnect is then refused by
    ``can_join``).
    """
    send_event_on_commit(room_user_group(room.pk, user_id), removed_frame(reason))


# --- Presence ------------------------------------------------------------------------


def presence_handles(room_id: int) -> list[str]:
    fresh_after = timezone.now() - timedelta(seconds=conf.get("ROOM_PRESENCE_STALE_SECONDS"))
    handles = (
        RoomConnection.objects.filter(room_id=room_id, seen_at__gte=fresh_after)
        .values_list("user__handle", flat=True)
        .distinct()
    )
    return sorted(handles, key=str.lower)


def do_join_presence(room_id: int, user: User, channel_name: str) -> None:
    RoomConnection.objects.update_or_create(
        channel_name=channel_name,
        defaults={"room_id": room_id, "user": user, "seen_at": timezone.now()},
    )


def do_leave_presence(room_id: int, channel_name: str) -> None:
    RoomConnection.objects.filter(room_id=room_id, channel_name=channel_name).delete()


def do_touch_presence(room_id: int, channel_name: str) -> int:
    """Refresh a socket's row; returns the room's ``last_seq`` (to spot missed messages)."""
    RoomConnection.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())
    return Room.objects.filter(pk=room_id).values_list("last_seq", flat=True).first() or 0


# --- Retention -----------------------------------------------------------------------


def purge_expired_messages(now: datetime | None = None) -> int:
    """Delete the messages of rooms closed more than ``ROOM_RETENTION_DAYS`` ago."""
    now = now or timezone.now()
    return purge_closed_room_messages(now - timedelta(days=conf.get("ROOM_RETENTION_DAYS")))


def purge_closed_room_messages(cutoff: datetime, batch_size: int = BATCH_SIZE) -> int:
    """Delete, in batches, the messages of rooms closed at or before ``cutoff`` (the
    ``rooms.messages`` retention rule); returns how many messages went."""
    rooms = Room.objects.filter(is_open=False, closed_at__lte=cutoff).values("pk")
    deleted = delete_in_batches(RoomMessage.objects.filter(room__in=rooms), batch_size)
    # That support was offered says something about the person: it goes with the words.
    delete_in_batches(RoomSupport.objects.filter(room__in=rooms), batch_size)
    return deleted


def purge_stale_connections(now: datetime | None = None) -> int:
    """Forget the sockets of processes that died without saying goodbye."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=conf.get("ROOM_PRESENCE_STALE_SECONDS"))
    deleted, _ = RoomConnection.objects.filter(seen_at__lt=cutoff).delete()
    return deleted
