"""Changing consent grants and referrals. Views, the API and demo data all call these.

Each ``do_*`` writes its audit row in the same transaction as the change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.accounts.models import User
from kindred.accounts.roles import Role
from kindred.audit.actions import record_event
from kindred.care import audit_names as care_audit
from kindred.care import visibility
from kindred.care.access import (
    access_referable_member,
    team_people,
)
from kindred.care.grants import SCOPE_LABELS, SCOPES
from kindred.care.models import (
    ConsentGrant,
    DefaultAccessOptOut,
    EndReason,
    Referral,
    ReferralKind,
    ReferralStatus,
)
from kindred.core.access import NotFound
from kindred.core.links import is_local_path
from kindred.core.notifications import do_notify

THERAPY_TITLE = "Would talking to a therapist help? Try the decision guide"


class CareError(ValueError):
    """A request that cannot be done as asked; the message is for the person."""


# --- Grants -----------------------------------------------------------------------------


def check_grant(
    member: User, grantee_id: int | str, scope: str, expires_at: datetime | None
) -> User:
    if scope not in SCOPES:
        raise CareError("Choose what to share.")
    if expires_at is not None and expires_at <= timezone.now():
        raise CareError("The end date must be in the future.")
    try:
        grantee_pk = int(grantee_id)
    except (TypeError, ValueError):
        raise CareError("Choose someone from your care team.") from None
    if grantee_pk == member.pk or grantee_pk not in team_people(member):
        raise CareError("Choose someone from your care team.")
    grantee = User.objects.filter(pk=grantee_pk, is_active=True).first()
    if grantee is None:
        raise CareError("Choose someone from your care team.")
    return grantee


def do_grant(
    member: User,
    grantee_id: int | str,
    scope: str,
    *,
    expires_at: datetime | None = None,
    request: HttpRequest | None = None,
) -> ConsentGrant:
    """Share ``scope`` with someone on the member's team. Granting a scope that is
    already shared renews it with the new end date (one live grant per scope)."""
    grantee = check_grant(member, grantee_id, scope, expires_at)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                grant = (
                    ConsentGrant.objects.select_for_update()
                    .filter(member=member, grantee=grantee, scope=scope, revoked_at__isnull=True)
                    .first()
                )
                renewed = grant is not None
                if grant is None:
                    grant = ConsentGrant.objects.create(
                        member=member, grantee=grantee, scope=scope, expires_at=expires_at
                    )
                else:
                    grant.expires_at = expires_at
                    grant.save(update_fields=["expires_at"])
                record_event(
                    actor=member,
                    event=care_audit.GRANT_RENEWED if renewed else care_audit.GRANT_CREATED,
                    target=grant,
                    changes={
                        "scope": scope,
                        "grantee_id": grantee.pk,
                        "expires_at": expires_at.isoformat() if expires_at else None,
                    },
                    request=request,
                )
                if not renewed:
                    do_notify(
                        [grantee],
                        kind="care_grant",
                        title=f"{member.handle} shared {SCOPE_LABELS[scope].lower()} with you",
                        url=reverse("care_shared_member", args=[member.pk]),
                    )
                return grant
        except IntegrityError:
            # Another request created the same grant between our read and insert: the
            # second pass finds it (the partial unique constraint decided the race).
            continue
    raise CareError("Please try again.")


def do_revoke_grant(
    member: User, grant_id: int | str, *, request: HttpRequest | None = None
) -> ConsentGrant:
    """Stop sharing at once: every later check (``has_grant``) sees ``revoked_at``."""
    try:
        pk = int(grant_id)
    except (TypeError, ValueError):
        raise NotFound("grant") from None
    with transaction.atomic():
        # The row lock orders a revoke against a concurrent renewal of the same grant.
        grant = (
            ConsentGrant.objects.select_for_update()
            .filter(pk=pk, member_id=member.pk, revoked_at__isnull=True)
            .first()
        )
        if grant is None:
            raise NotFound("grant")
        grant.revoked_at = timezone.now()
        grant.ended_reason = EndReason.REVOKED
        grant.save(update_fields=["revoked_at", "ended_reason"])
        record_event(
            actor=member,
            event=care_audit.GRANT_REVOKED,
            target=grant,
            changes={"scope": grant.scope, "grantee_id": grant.grantee_id},
            request=request,
        )
    return grant


def _end_grants(grants: QuerySet[ConsentGrant], reason: str) -> int:
    """Stamp every live grant of ``grants`` ended with ``reason``, each audited
    (``care.grant.revoked``, no actor: Kindred ended it). Runs in the caller's transaction."""
    if reason not in EndReason.values:
        raise ValueError(f"unknown end reason {reason!r}")
    with transaction.atomic():
        rows = list(grants.filter(revoked_at__isnull=True).select_for_update().order_by("pk"))
        now = timezone.now()
        for grant in rows:
            grant.revoked_at = now
            grant.ended_reason = reason
            grant.save(update_fields=["revoked_at", "ended_reason"])
            record_event(
                actor=None,
                event=care_audit.GRANT_REVOKED,
                target=grant,
                changes={"scope": grant.scope, "grantee_id": grant.grantee_id, "reason": reason},
            )
    return len(rows)


def do_end_grants_between(member: User, grantee: User, *, reason: str) -> int:
    """End everything ``member`` shares with ``grantee``, whatever else ties them — for a
    block, or a connection that ended (its peer shared for that connection only).
    ``reason`` is an :class:`EndReason`; returns how many ended."""
    return _end_grants(
        ConsentGrant.objects.filter(member_id=member.pk, grantee_id=grantee.pk), reason
    )


def do_end_grants_for_relationship(first: User, second: User, *, reason: str) -> int:
    """A relationship between two people ended (a group left or archived, therapy
    ended): end what either shares with the other unless the other is still on their
    care team through another one (the same facilitator in a second group, say).

    The one function every app calls from the action that ends a relationship, after
    the change is written (the team sources read it back in the same transaction).
    """
    return do_end_grants_for_relationships([(first, second)], reason=reason)


def do_end_grants_for_relationships(pairs: Iterable[tuple[User, User]], *, reason: str) -> int:
    """:func:`do_end_grants_for_relationship` for many pairs (a group archived: every
    member with every facilitator). One query when nothing is shared, as is usual; the
    team is read only for members who share with the other side."""
    wanted: set[tuple[int, int]] = set()
    for first, second in pairs:
        if first.pk != second.pk:
            wanted |= {(first.pk, second.pk), (second.pk, first.pk)}
    if not wanted:
        return 0
    live = set(
        ConsentGrant.objects.filter(
            revoked_at__isnull=True,
            member_id__in={m for m, _ in wanted},
            grantee_id__in={g for _, g in wanted},
        )
        .values_list("member_id", "grantee_id")
        .distinct()
    )
    ended = 0
    teams: dict[int, dict[int, set[str]]] = {}
    members = User.objects.in_bulk({m for m, _ in live & wanted})
    for member_id, grantee_id in sorted(live & wanted):
        if member_id not in teams:
            teams[member_id] = team_people(members[member_id])
        if grantee_id not in teams[member_id]:
            ended += _end_grants(
                ConsentGrant.objects.filter(member_id=member_id, grantee_id=grantee_id), reason
            )
    return ended


def do_end_grants_of_account(user: User, *, reason: str = EndReason.ACCOUNT_CLOSED) -> int:
    """An account closed (deactivated, or about to be deleted): nothing it shared and
    nothing shared with it counts any more. Registered with
    :mod:`kindred.accounts.lifecycle`."""
    return _end_grants(
        ConsentGrant.objects.filter(Q(member_id=user.pk) | Q(grantee_id=user.pk)), reason
    )


def do_end_lapsed_therapy_grants() -> int:
    """What members share with a therapist who no longer treats them — no upcoming
    booking and no attended session within ``THERAPY_ACCESS_LAPSE_DAYS`` — ends
    (the daily task). Checked per pair against the whole team, so a therapist who is
    also the member's peer supporter keeps what was shared."""
    from kindred.bookings.relationships import treats_q

    # No ``now`` argument: the team sources that decide the end read the clock too.
    now = timezone.now()
    pairs = set(
        ConsentGrant.objects.filter(revoked_at__isnull=True, grantee__roles__role=Role.THERAPIST)
        .exclude(treats_q("grantee", "member", now))
        .values_list("member_id", "grantee_id")
        .distinct()
    )
    people = User.objects.in_bulk({pk for pair in pairs for pk in pair})
    return do_end_grants_for_relationships(
        [(people[m], people[g]) for m, g in sorted(pairs)], reason=EndReason.THERAPY_LAPSED
    )


# --- Discharge --------------------------------------------------------------------------


def do_discharge(
    therapist: User, member_id: int | str, *, request: HttpRequest | None = None
) -> User:
    """``therapist`` ends their therapy with a current client: the relationship ends at
    once (:func:`kindred.bookings.relationships.end_treatment`: upcoming sessions
    cancelled, past ones no longer count), and with it every default access that
    follows from it and what either shared with the other
    (:func:`do_end_grants_for_relationship`). Audited; the member is told.

    Anyone but the member's treating therapist (with a second factor) gets the same
    :class:`NotFound` as for a member who does not exist.
    """
    from kindred.bookings.relationships import end_treatment
    from kindred.clinical.access import access_client

    try:
        pk = int(member_id)
    except (TypeError, ValueError):
        raise NotFound("client") from None
    with transaction.atomic():
        # Lock the member's row: a second discharge (a double click) waits, then finds
        # no relationship left and answers NotFound.
        User.objects.select_for_update().filter(pk=pk).first()
        member = access_client(therapist, pk)
        ended = end_treatment(therapist, member)
        ended["grants_ended"] = do_end_grants_for_relationship(
            member, therapist, reason=EndReason.THERAPY_DISCHARGED
        )
        record_event(
            actor=therapist,
            event=care_audit.THERAPY_DISCHARGED,
            target=member,
            changes=ended,
            request=request,
        )
        do_notify(
            [member],
            kind="care_discharge",
            title=_("%(handle)s ended your therapy on Kindred") % {"handle": therapist.handle},
            url=reverse("care_who_can_see"),
        )
    return member


# --- Default access -------------------------------------------------------------------


def do_set_default_access(
    member: User, key: str, *, on: bool, request: HttpRequest | None = None
) -> bool:
    """Switch one default access (:mod:`kindred.care.visibility`) on or off for
    ``member``; takes effect on the next read. Returns whether anything changed."""
    if key not in visibility.SWITCHABLE:
        raise CareError(_("Choose something you can switch off."))
    with transaction.atomic():
        # Lock the member's row: two requests switching the same key wait in turn.
        User.objects.select_for_update().filter(pk=member.pk).first()
        rows = DefaultAccessOptOut.objects.filter(member_id=member.pk, key=key)
        was_on = not rows.exists()
        if was_on == on:
            return False
        if on:
            rows.delete()
        else:
            DefaultAccessOptOut.objects.create(member=member, key=key)
        record_event(
            actor=member,
            event=care_audit.DEFAULT_ACCESS_CHANGED,
            target=member,
            changes={"key": key, "on": [was_on, on]},
            request=request,
        )
    return True


# --- Referrals --------------------------------------------------------------------------


def check_local_url(url: str) -> str:
    url = (url or "").strip()
    # Only pages of this site: a referral must never send a member somewhere else.
    # Controls, spaces and backslashes have no place in a link someone types; refusing
    # them keeps what is stored the same as what the browser will follow.
    if (
        not is_local_path(url)
        or not url.isprintable()
        or " " in url
        or "\\" in url
        or len(url) > 300
    ):
        raise CareError("Link to a page on this site (starting with /).")
    return url


def do_refer(
    author: User,
    member_id: int | str,
    *,
    kind: str,
    url: str = "",
    title: str = "",
    note: str = "",
    request: HttpRequest | None = None,
) -> Referral:
    member, kinds = access_referable_member(author, member_id)
    if kind not in kinds:
        raise CareError("You cannot suggest this to this member.")
    if kind == ReferralKind.THERAPY:
        # A peer supporter's suggestion always points at the decision guide, where the
        # member weighs the options themselves.
        url, title = "/guide/", title.strip() or THERAPY_TITLE
    else:
        url = check_local_url(url)
    title = title.strip()
    if not title or len(title) > 200:
        raise CareError("Give the suggestion a short title (up to 200 characters).")
    if len(note) > 2000:
        raise CareError("Keep the note under 2000 characters.")
    with transaction.atomic():
        referral = Referral.objects.create(
            member=member, author=author, kind=kind, url=url, title=title, note=note.strip()
        )
        record_event(
            actor=author,
            event=care_audit.REFERRAL_CREATED,
            target=referral,
            changes={"kind": kind, "member_id": member.pk},
            request=request,
        )
        do_notify(
            [member],
            kind="care_referral",
            title=f"{author.handle} suggested something for you",
            url=reverse("care_referrals"),
        )
    return referral


def do_respond_referral(
    member: User, referral_id: int | str, *, accept: bool, request: HttpRequest | None = None
) -> Referral:
    try:
        pk = int(referral_id)
    except (TypeError, ValueError):
        raise NotFound("referral") from None
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update()
            .select_related("author")
            .filter(pk=pk, member_id=member.pk)
            .first()
        )
        if referral is None:
            raise NotFound("referral")
        if referral.status != ReferralStatus.OPEN:
            raise CareError("You have already answered this suggestion.")
        referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DISMISSED
        referral.responded_at = timezone.now()
        referral.save(update_fields=["status", "responded_at"])
        record_event(
            actor=member,
            event=care_audit.REFERRAL_ACCEPTED if accept else care_audit.REFERRAL_DISMISSED,
            target=referral,
            changes={"kind": referral.kind},
            request=request,
        )
        if accept:
            do_notify(
                [referral.author],
                kind="care_referral",
                title=f"{member.handle} accepted your suggestion",
                url="",
            )
    return referral
