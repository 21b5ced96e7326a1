"""Peer-support operations shared by the pages, the API, tasks and tests.

``check_*`` validates and authorises, ``do_*`` changes data, writes the audit row
in the same transaction and sends events after commit. What people write (the
story, a request note) passes the safety screen inside that transaction; the
story and the note never appear in the audit log.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, TypedDict

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kindred.accounts.models import User
from kindred.audit.actions import record_event
from kindred.core.access import NotFound
from kindred.core.events import send_event_on_commit, user_group
from kindred.core.notifications import do_notify
from kindred.peers import audit_names as peers_audit
from kindred.peers import taxonomy
from kindred.peers.access import (
    access_peer,
    active_caseload,
    check_peers_user,
    is_supporter,
    is_suspended_sitewide,
)
from kindred.peers.events import connection_updated
from kindred.peers.models import (
    LIVE_STATUSES,
    MAX_CASELOAD,
    MAX_NOTE,
    MAX_STORY,
    AgeRange,
    Connection,
    ConnectionStatus,
    Gender,
    HiddenSuggestion,
    PeerProfile,
    ProfileRemoval,
    ProfileTag,
    Rating,
    Seeks,
    Training,
)
from kindred.safety.actions import ScreenOutcome, screen_text

if TYPE_CHECKING:
    from kindred.peers.matching.profile import MatchProfile
    from kindred.safety.models import Flag

logger = logging.getLogger(__name__)

# Someone who sends many requests no one has answered is more likely pestering
# than looking; past this they wait for answers first.
MAX_PENDING_REQUESTS = 5
MAX_TAGS = 12
SCREEN_AREA = "peers"
NOT_AVAILABLE = _lazy("This person is not available for a connection right now.")


class PeersError(Exception):
    """Why the action cannot be done (shown to the person), optionally for one field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _languages() -> dict[str, str]:
    from kindred.therapy.vocabulary import LANGUAGES

    return dict(LANGUAGES)


# --- Profile -------------------------------------------------------------------


@dataclass
class SavedProfile:
    profile: PeerProfile
    # The safety screen of the story, when it was changed (None otherwise).
    screen: ScreenOutcome | None


PROFILE_FIELDS = (
    "tags",
    "story",
    "languages",
    "timezone",
    "availability",
    "seeks",
    "gender",
    "age_range",
    "wants_genders",
    "wants_age_ranges",
    "caseload_limit",
    "is_listed",
)


# Profile data as the profile form or the API's ProfileIn cleaned it: text, lists of
# codes, the caseload limit (a number, or text still to be read as one) and is_listed.
ProfileValue = str | int | bool | Sequence[str] | None
ProfileData = Mapping[str, ProfileValue]


class CleanProfile(TypedDict, total=False):
    """What :func:`clean_profile` keeps; the caseload limit only when one was given."""

    tags: list[str]
    availability: list[str]
    story: str
    languages: list[str]
    timezone: str
    seeks: str
    gender: str
    age_range: str
    wants_genders: list[str]
    wants_age_ranges: list[str]
    caseload_limit: int
    is_listed: bool


def _codes(data: ProfileData, name: str) -> Sequence[str]:
    """A list field; absent or empty is none."""
    value = data.get(name) or ()
    if isinstance(value, int):
        # What iterating it would raise: forms and the API only send lists here.
        raise TypeError(f"{name} is a list, not {value!r}")
    return value


def _text(data: ProfileData, name: str, default: str) -> str:
    value = data.get(name) or default
    if not isinstance(value, str):
        # What calling a str method on it would raise: forms and the API send text here.
        raise TypeError(f"{name} is text, not {value!r}")
    return value


def clean_profile(user: User, data: ProfileData) -> CleanProfile:
    """Validate every field of a profile; raise :class:`PeersError` naming the field."""
    from kindred.core.timezones import valid_zones

    def choices(name: str, allowed: Collection[str]) -> list[str]:
        values = list(dict.fromkeys(_codes(data, name)))
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise PeersError(
                _("Unknown choice: %(choices)s.") % {"choices": ", ".join(map(str, unknown))},
                field=name,
            )
        return values

    out: CleanProfile = {}
    try:
        out["tags"] = taxonomy.validate_tags(_codes(data, "tags"))
    except ValueError as exc:
        raise PeersError(str(exc), field="tags") from None
    if len(out["tags"]) > MAX_TAGS:
        raise PeersError(
            _("Choose at most %(limit)s experiences.") % {"limit": MAX_TAGS}, field="tags"
        )
    try:
        out["availability"] = taxonomy.validate_slots(_codes(data, "availability"))
    except ValueError as exc:
        raise PeersError(str(exc), field="availability") from None
    story = _text(data, "story", "").strip()
    if len(story) > MAX_STORY:
        raise PeersError(
            _("Keep your story under %(limit)s characters.") % {"limit": MAX_STORY}, field="story"
        )
    out["story"] = story
    out["languages"] = choices("languages", _languages())
    if not out["languages"]:
        raise PeersError(_("Choose at least one language you can talk in."), field="languages")
    tz = _text(data, "timezone", "UTC").strip()
    if tz not in valid_zones():
        raise PeersError(_("Choose a time zone from the list."), field="timezone")
    out["timezone"] = tz
    seeks = data.get("seeks") or Seeks.SUPPORT
    if not isinstance(seeks, str) or seeks not in Seeks.values:
        raise PeersError(_("Choose what you are looking for."), field="seeks")
    out["seeks"] = seeks
    gender = data.get("gender") or ""
    if not isinstance(gender, str) or (gender and gender not in Gender.values):
        raise PeersError(_("Choose a gender from the list, or leave it blank."), field="gender")
    out["gender"] = gender
    age_range = data.get("age_range") or ""
    if not isinstance(age_range, str) or (age_range and age_range not in AgeRange.values):
        raise PeersError(_("Choose an age range from the list."), field="age_range")
    if age_range and user.age_band != "adult":
        # Teens are matched only with teens; the finer ranges are adult ones.
        age_range = ""
    out["age_range"] = age_range
    out["wants_genders"] = choices("wants_genders", Gender.values)
    out["wants_age_ranges"] = choices("wants_age_ranges", AgeRange.values)
    given = data.get("caseload_limit")
    if given is not None and given != "":
        try:
            if isinstance(given, Sequence) and not isinstance(given, str):
                raise TypeError  # As int() would for a list: said first, so mypy sees it.
            limit = int(given)
        except (TypeError, ValueError):
            raise PeersError(_("The caseload limit is a number."), field="caseload_limit") from None
        if not 1 <= limit <= MAX_CASELOAD:
            raise PeersError(
                _("Choose a caseload limit from 1 to %(limit)s.") % {"limit": MAX_CASELOAD},
                field="caseload_limit",
            )
        out["caseload_limit"] = limit
    out["is_listed"] = bool(data.get("is_listed", True))
    return out


def story_vector(story: str) -> bytes | None:
    """The story's embedding as float32 bytes, or None (no story, or the model failed).

    Computed before the transaction: the model takes milliseconds per text once
    loaded, and a failure must not lose what the person wrote (the periodic task
    fills in missing vectors).
    """
    if not story:
        return None
    from kindred.peers.indexing import encode_vector

    try:
        from kindred.peers.matching.embedding import embed

        return encode_vector(embed([story])[0])
    except Exception:
        logger.exception("story embedding failed; the periodic task will retry")
        return None


def detect_themes(story: str) -> list[str]:
    if not story:
        return []
    try:
        from kindred.peers.matching.explain import story_themes
    except ImportError:
        return []
    return sorted(story_themes(story))


def do_save_profile(
    user: User, data: ProfileData, *, request: HttpRequest | None = None
) -> SavedProfile:
    """Create or update ``user``'s profile from ``data`` (all of :data:`PROFILE_FIELDS`)."""
    check_peers_user(user)
    cleaned = clean_profile(user, data)
    supporter = is_supporter(user)
    existing = PeerProfile.objects.filter(user_id=user.pk).first()
    story_changed = existing is None or existing.story != cleaned["story"]
    vector = story_vector(cleaned["story"]) if story_changed else None
    themes = detect_themes(cleaned["story"]) if story_changed else None
    screen: ScreenOutcome | None = None
    try:
        with transaction.atomic():
            profile = existing or PeerProfile(user=user)
            before = {f: getattr(profile, f) for f in PROFILE_FIELDS if f != "tags"}
            before_tags = set(profile.tag_ids) if existing else set()
            # Every key clean_profile keeps is one of PROFILE_FIELDS.
            for name, value in cleaned.items():
                if name == "tags" or (name == "caseload_limit" and not supporter):
                    continue
                setattr(profile, name, value)
            if story_changed:
                profile.story_vector = vector
                profile.story_themes = themes or []
            profile.updated_at = timezone.now()
            profile.save()
            if set(cleaned["tags"]) != before_tags:
                ProfileTag.objects.filter(profile=profile).exclude(tag__in=cleaned["tags"]).delete()
                ProfileTag.objects.bulk_create(
                    [
                        ProfileTag(profile=profile, tag=t)
                        for t in cleaned["tags"]
                        if t not in before_tags
                    ]
                )
            if story_changed and cleaned["story"]:
                screen = screen_text(
                    user,
                    cleaned["story"],
                    area=SCREEN_AREA,
                    source_type="peers.profile",
                    source_id=user.pk,
                    context="peer profile story",
                )
            changed = sorted(
                f for f in before if f not in ("story_vector",) and before[f] != getattr(profile, f)
            )
            if set(cleaned["tags"]) != before_tags:
                changed.append("tags")
            # Field names only: the story and the tags are what the person shared in confidence.
            record_event(
                actor=user,
                event=peers_audit.PROFILE_CREATED
                if existing is None
                else peers_audit.PROFILE_UPDATED,
                target=profile,
                changes={"fields": sorted(changed)},
                request=request,
            )
    except IntegrityError:
        # The same person created their profile twice at once (two tabs): one wins.
        raise PeersError(
            _("Your profile was just saved from another window. Reload and try again.")
        ) from None
    return SavedProfile(profile=profile, screen=screen)


def do_delete_profile(user: User, *, request: HttpRequest | None = None) -> bool:
    """Delete the profile for good: story, vector, tags and trainings.

    Pending requests end without a word to the other side (to whoever asked,
    it reads "not available"); active connections and their chats stay until
    someone ends them.
    """
    with transaction.atomic():
        profile = PeerProfile.objects.select_for_update().filter(user_id=user.pk).first()
        if profile is None:
            return False
        now = timezone.now()
        Connection.objects.filter(requester=user, status=ConnectionStatus.PENDING).update(
            status=ConnectionStatus.WITHDRAWN, responded_at=now
        )
        Connection.objects.filter(recipient=user, status=ConnectionStatus.PENDING).update(
            status=ConnectionStatus.DECLINED, responded_at=now
        )
        profile.delete()
        ProfileRemoval.objects.create(user_id=user.pk, removed_at=now)
        record_event(
            actor=user,
            event=peers_audit.PROFILE_DELETED,
            target_type="peers.peerprofile",
            target_id=user.pk,
            request=request,
        )
        transaction.on_commit(lambda: _forget_locally(user.pk))
    return True


def _forget_locally(user_id: int) -> None:
    from kindred.peers.indexing import forget

    forget(user_id)


def do_add_training(
    user: User,
    *,
    name: str,
    completed_on: date,
    provider: str = "",
    expires_on: date | None = None,
    request: HttpRequest | None = None,
) -> Training:
    if not is_supporter(user):
        raise NotFound("page")
    profile = PeerProfile.objects.filter(user_id=user.pk).first()
    if profile is None:
        raise PeersError(_("Create your peer profile first."))
    name = name.strip()
    if not name:
        raise PeersError(_("Name the training or certificate."), field="name")
    if expires_on is not None and expires_on < completed_on:
        raise PeersError(_("The expiry date comes after the date you completed it."), "expires_on")
    if completed_on > timezone.localdate():
        raise PeersError(_("The completion date cannot be in the future."), field="completed_on")
    with transaction.atomic():
        training = Training.objects.create(
            profile=profile,
            name=name[:150],
            provider=provider.strip()[:150],
            completed_on=completed_on,
            expires_on=expires_on,
        )
        record_event(
            actor=user,
            event=peers_audit.TRAINING_ADDED,
            target=training,
            changes={"name": training.name, "expires_on": str(expires_on or "")},
            request=request,
        )
    return training


def do_remove_training(user: User, training_id: int, *, request: HttpRequest | None = None) -> None:
    training = Training.objects.filter(pk=training_id, profile__user_id=user.pk).first()
    if training is None:
        raise NotFound("training")
    with transaction.atomic():
        record_event(
            actor=user, event=peers_audit.TRAINING_REMOVED, target=training, request=request
        )
        training.delete()


# --- Suggestions -----------------------------------------------------------------


def do_hide_suggestion(user: User, peer_id: int) -> None:
    """Never suggest this person to ``user`` again; they are not told."""
    peer = access_peer(user, peer_id)
    HiddenSuggestion.objects.get_or_create(user=user, hidden=peer)


# --- Requests and connections -------------------------------------------------------


def _match_profile_pair(
    requester: User, recipient: User
) -> tuple[MatchProfile | None, MatchProfile | None]:
    from kindred.peers.suggestions import build_match_profiles

    profiles = build_match_profiles([requester.pk, recipient.pk])
    return profiles.get(requester.pk), profiles.get(recipient.pk)


def supporter_for(
    requester: User, recipient: User, req: MatchProfile, rec: MatchProfile
) -> User | None:
    """Who gives support in this pair, so their caseload counts it (None for equals)."""
    if req.seeks == Seeks.SUPPORT and rec.seeks != Seeks.SUPPORT and is_supporter(recipient):
        return recipient
    if rec.seeks == Seeks.SUPPORT and req.seeks != Seeks.SUPPORT and is_supporter(requester):
        return requester
    if is_supporter(recipient) and not is_supporter(requester):
        return recipient
    if is_supporter(requester) and not is_supporter(recipient):
        return requester
    return None


def check_request(requester: User, recipient_id: int) -> User:
    """The recipient, if ``requester`` may ask them now; else raise.

    Whatever is about the other person (their preferences, their full
    caseload) reads "not available", never the reason.
    """
    check_peers_user(requester)
    if is_suspended_sitewide(requester):
        raise PeersError(_("You can't ask anyone to connect while your account is suspended."))
    if not PeerProfile.objects.filter(user_id=requester.pk).exists():
        raise PeersError(_("Create your peer profile first."))
    recipient = access_peer(requester, recipient_id)
    if Connection.objects.filter(
        Q(requester=requester, recipient=recipient) | Q(requester=recipient, recipient=requester),
        status__in=[ConnectionStatus.PENDING, ConnectionStatus.ACTIVE],
    ).exists():
        raise PeersError(_("You already have a request or a connection with this person."))
    pending = Connection.objects.filter(
        requester=requester, status=ConnectionStatus.PENDING
    ).count()
    if pending >= MAX_PENDING_REQUESTS:
        raise PeersError(
            _(
                "You have %(pending)s requests waiting for an answer. "
                "Wait for them, or withdraw one."
            )
            % {"pending": pending}
        )
    from kindred.peers.matching.filters import compatible
    from kindred.peers.suggestions import age_ranges_fit

    mine, theirs = _match_profile_pair(requester, recipient)
    profiles = {
        p.user_id: p for p in PeerProfile.objects.filter(user_id__in=[requester.pk, recipient.pk])
    }
    if (
        mine is None
        or theirs is None
        or not compatible(mine, theirs, blocked=frozenset())
        or not age_ranges_fit(profiles[requester.pk], profiles[recipient.pk])
    ):
        raise PeersError(str(NOT_AVAILABLE))
    return recipient


@dataclass
class SentRequest:
    connection: Connection
    screen: ScreenOutcome | None


def do_request(
    requester: User, recipient_id: int, note: str = "", *, request: HttpRequest | None = None
) -> SentRequest:
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise PeersError(
            _("Keep the note under %(limit)s characters.") % {"limit": MAX_NOTE}, field="note"
        )
    recipient = check_request(requester, recipient_id)
    mine, theirs = _match_profile_pair(requester, recipient)
    if mine is None or theirs is None:
        # check_request found both profiles; one deleted since leaves nobody to ask.
        raise PeersError(str(NOT_AVAILABLE))
    supporter = supporter_for(requester, recipient, mine, theirs)
    screen = None
    try:
        with transaction.atomic():
            connection = Connection.objects.create(
                requester=requester, recipient=recipient, supporter=supporter, note=note
            )
            if note:
                screen = screen_text(
                    requester,
                    note,
                    area=SCREEN_AREA,
                    source_type="peers.connection",
                    source_id=connection.pk,
                    context="peer connection request",
                )
            record_event(
                actor=requester,
                event=peers_audit.REQUEST_SENT,
                target=connection,
                changes={"recipient": recipient.pk},
                request=request,
            )
            do_notify(
                [recipient],
                kind="peers.request",
                title=_("%(handle)s would like to connect with you") % {"handle": requester.handle},
                url=reverse("peers_connection", args=[connection.pk]),
            )
    except IntegrityError:
        # Both people asked each other at the same moment: the database kept one.
        raise PeersError(
            _("You already have a request or a connection with this person.")
        ) from None
    return SentRequest(connection=connection, screen=screen)


def _lock_pending(user: User, connection: Connection, *, side: str) -> Connection:
    locked = Connection.objects.select_for_update().get(pk=connection.pk)
    if getattr(locked, f"{side}_id") != user.pk:
        raise NotFound("connection")
    if locked.status != ConnectionStatus.PENDING:
        raise PeersError(_("This request has already been answered."))
    return locked


def do_accept(
    user: User, connection: Connection, *, request: HttpRequest | None = None
) -> Connection:
    """Accept a request addressed to ``user``; opens the chat.

    Row locks, always in this order: the connection, then the supporter's profile.
    Holding the profile row while counting makes two simultaneous accepts for the
    same supporter take turns, so the caseload limit cannot be overshot.
    """
    with transaction.atomic():
        locked = _lock_pending(user, connection, side="recipient")
        supporter = locked.supporter  # No query when there is none.
        if supporter is not None:
            profile = PeerProfile.objects.select_for_update().filter(user_id=supporter.pk)
            limit_row = profile.values_list("caseload_limit", flat=True).first()
            limit = limit_row if limit_row is not None else 0
            count = active_caseload(supporter)
            if count >= limit:
                if locked.supporter_id == user.pk:
                    raise PeersError(
                        _(
                            "Your caseload is full (%(count)s of %(limit)s). End a connection "
                            "or raise your limit before accepting someone new."
                        )
                        % {"count": count, "limit": limit}
                    )
                raise PeersError(str(NOT_AVAILABLE))
        now = timezone.now()
        locked.status = ConnectionStatus.ACTIVE
        locked.responded_at = now
        locked.started_at = now
        locked.save(update_fields=["status", "responded_at", "started_at"])
        record_event(actor=user, event=peers_audit.REQUEST_ACCEPTED, target=locked, request=request)
        from kindred.peers.chat import open_chat

        open_chat(locked)
        url = reverse("peers_connection", args=[locked.pk])
        do_notify(
            [locked.requester],
            kind="peers.accepted",
            title=f"{user.handle} accepted your request. You can talk now.",
            url=url,
        )
        for uid in (locked.requester_id, locked.recipient_id):
            send_event_on_commit(user_group(uid), connection_updated(id=locked.pk, status="active"))
    connection.refresh_from_db()
    return connection


def do_decline(
    user: User, connection: Connection, *, request: HttpRequest | None = None
) -> Connection:
    """Decline privately: the requester is not notified and sees "not available"."""
    with transaction.atomic():
        locked = _lock_pending(user, connection, side="recipient")
        locked.status = ConnectionStatus.DECLINED
        locked.responded_at = timezone.now()
        locked.save(update_fields=["status", "responded_at"])
        record_event(actor=user, event=peers_audit.REQUEST_DECLINED, target=locked, request=request)
    connection.refresh_from_db()
    return connection


def do_withdraw(
    user: User, connection: Connection, *, request: HttpRequest | None = None
) -> Connection:
    with transaction.atomic():
        locked = _lock_pending(user, connection, side="requester")
        locked.status = ConnectionStatus.WITHDRAWN
        locked.responded_at = timezone.now()
        locked.save(update_fields=["status", "responded_at"])
        record_event(
            actor=user, event=peers_audit.REQUEST_WITHDRAWN, target=locked, request=request
        )
    connection.refresh_from_db()
    return connection


def do_end(
    user: User,
    connection: Connection,
    *,
    request: HttpRequest | None = None,
    notify: bool = True,
    reason: str = "",
) -> Connection:
    """Either side ends an active connection; the chat closes for both.

    With a ``reason`` (``age_band``) Kindred ends it for ``user`` rather than ``user``
    choosing to: the audit record has no actor and keeps the reason, and the other
    side is told why.
    """
    with transaction.atomic():
        locked = Connection.objects.select_for_update().get(pk=connection.pk)
        if not locked.involves(user.pk):
            raise NotFound("connection")
        if locked.status != ConnectionStatus.ACTIVE:
            raise PeersError(_("This connection is not active."))
        locked.status = ConnectionStatus.ENDED
        locked.ended_at = timezone.now()
        locked.ended_by = None if reason else user
        locked.save(update_fields=["status", "ended_at", "ended_by"])
        record_event(
            actor=None if reason else user,
            event=peers_audit.CONNECTION_ENDED,
            target=locked,
            changes={"reason": reason} if reason else None,
            request=request,
        )
        from kindred.peers.chat import close_chat

        close_chat(locked)
        from kindred.consent.actions import do_end_grants_between

        # What the member shared with their peer was for this connection only.
        do_end_grants_between(locked.requester, locked.recipient, reason="connection_ended")
        do_end_grants_between(locked.recipient, locked.requester, reason="connection_ended")
        other = locked.other(user.pk)
        if notify:
            if reason == "age_band":
                title = _(
                    "Your connection with %(handle)s has ended because you are now in "
                    "different age groups: Kindred keeps teens and adults apart."
                ) % {"handle": user.handle}
            else:
                title = _("Your connection with %(handle)s has ended.") % {"handle": user.handle}
            do_notify(
                [locked.recipient if other == locked.recipient_id else locked.requester],
                kind="peers.ended",
                title=title,
                url=reverse("peers_connection", args=[locked.pk]),
            )
        for uid in (locked.requester_id, locked.recipient_id):
            send_event_on_commit(user_group(uid), connection_updated(id=locked.pk, status="ended"))
    connection.refresh_from_db()
    return connection


def end_connections_across_age_bands(user: User, old: str, new: str) -> dict[str, int]:
    """What a change of age band (a teen turning 18, a staff correction) means here.

    A teen and an adult are never connected one to one, so the person's live
    connections with people now in the other band stop: an active one ends like any
    other (the chat closes, what was shared for it stops being shared, the other
    side is told why); a request still waiting for an answer is closed quietly, as
    a withdrawn or declined one would be. Connections with people in the same band,
    such as a friend who turned 18 the same week, go on.

    Registered with ``kindred.accounts.age``; runs in the transaction that changes
    the band, with the person's row locked.
    """
    from kindred.accounts.age import current_age_band

    ended = closed = 0
    live = Connection.objects.filter(
        Q(requester=user) | Q(recipient=user), status__in=LIVE_STATUSES
    ).select_related("requester", "recipient")
    for connection in live:
        other = connection.recipient if connection.requester_id == user.pk else connection.requester
        if current_age_band(other) == new:
            continue
        if connection.status == ConnectionStatus.ACTIVE:
            do_end(user, connection, reason="age_band")
            ended += 1
            continue
        status = (
            ConnectionStatus.WITHDRAWN
            if connection.requester_id == user.pk
            else ConnectionStatus.DECLINED
        )
        Connection.objects.filter(pk=connection.pk, status=ConnectionStatus.PENDING).update(
            status=status, responded_at=timezone.now()
        )
        record_event(
            actor=None,
            event=peers_audit.REQUEST_CLOSED,
            target=connection,
            changes={"status": status, "reason": "age_band"},
        )
        closed += 1
    return {"peer_connections_ended": ended, "peer_requests_closed": closed}


def do_rate(
    user: User,
    connection: Connection,
    *,
    stars: int,
    comment: str = "",
    request: HttpRequest | None = None,
) -> Rating:
    if not connection.involves(user.pk):
        raise NotFound("connection")
    if connection.started_at is None:
        raise PeersError(_("You can rate a connection once it has started."))
    if not 1 <= int(stars) <= 5:
        raise PeersError(_("Choose 1 to 5 stars."), field="stars")
    comment = (comment or "").strip()[:1000]
    with transaction.atomic():
        rating, created = Rating.objects.update_or_create(
            connection=connection, rater=user, defaults={"stars": int(stars), "comment": comment}
        )
        record_event(
            actor=user,
            event=peers_audit.CONNECTION_RATED,
            target=connection,
            changes={"stars": rating.stars, "updated": not created},
            request=request,
        )
    return rating


def do_block_peer(
    user: User, connection: Connection, *, request: HttpRequest | None = None
) -> None:
    """Block the other person: ends the connection (or its request) and hides them both ways."""
    from kindred.safety.actions import do_block

    if not connection.involves(user.pk):
        raise NotFound("connection")
    other = connection.recipient if connection.requester_id == user.pk else connection.requester
    with transaction.atomic():
        locked = Connection.objects.select_for_update().get(pk=connection.pk)
        if locked.status == ConnectionStatus.ACTIVE:
            do_end(user, locked, request=request, notify=False)
        elif locked.status == ConnectionStatus.PENDING:
            new = (
                ConnectionStatus.DECLINED
                if locked.recipient_id == user.pk
                else ConnectionStatus.WITHDRAWN
            )
            Connection.objects.filter(pk=locked.pk).update(status=new, responded_at=timezone.now())
        do_block(user, other)
    connection.refresh_from_db()


def do_report_peer(user: User, connection: Connection, *, reason: str, details: str = "") -> Flag:
    """Report the other person to the moderators (they are not told who reported)."""
    from kindred.safety.actions import do_report

    if not connection.involves(user.pk):
        raise NotFound("connection")
    other = connection.recipient if connection.requester_id == user.pk else connection.requester
    quoted = connection.note if connection.requester_id == other.pk else ""
    return do_report(
        user,
        reason=reason,
        details=details,
        subject=other,
        source_type="peers.connection",
        source_id=str(connection.pk),
        quoted_text=quoted,
        scope=SCREEN_AREA,
    )
