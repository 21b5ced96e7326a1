"""Ending therapy and changing referrals. Views, the API and demo data all call these.

Each ``do_*`` writes its audit row in the same transaction as the change.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.accounts.models import User
from kindred.audit.actions import record_event
from kindred.care import audit_names as care_audit
from kindred.care.access import access_referable_member
from kindred.care.models import Referral, ReferralKind, ReferralStatus
from kindred.consent.actions import (
    ConsentError,
    do_end_grants_for_relationship,
    do_end_grants_for_relationships,
)
from kindred.consent.models import ConsentGrant, EndReason
from kindred.core.access import NotFound
from kindred.core.links import is_local_path
from kindred.core.notifications import do_notify
from kindred.core.roles import Role

THERAPY_TITLE = "Would talking to a therapist help? Try the decision guide"


class CareError(ConsentError):
    """A request that cannot be done as asked; the message is for the person. A kind of
    :class:`~kindred.consent.actions.ConsentError`, so a caller of both catches one."""


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

    Everyone but the member's treating therapist (with a second factor) gets the same
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
        raise CareError(_("Link to a page on this site (starting with /)."))
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
        raise CareError(_("You cannot suggest this to this member."))
    if kind == ReferralKind.THERAPY:
        # A peer supporter's suggestion always points at the decision guide, where the
        # member weighs the options themselves.
        url, title = "/guide/", title.strip() or THERAPY_TITLE
    else:
        url = check_local_url(url)
    title = title.strip()
    if not title or len(title) > 200:
        raise CareError(_("Give the suggestion a short title (up to 200 characters)."))
    if len(note) > 2000:
        raise CareError(_("Keep the note under 2000 characters."))
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
            raise CareError(_("You have already answered this suggestion."))
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
