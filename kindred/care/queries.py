"""What the member's care pages and ``/api/v1/care/...`` read: their own grants, the
suggestions made to them, their care team and what it sees by default, as rows.

Both faces call these, so "a member sees only their own grants and suggestions" and
how a grant, a suggestion, a team member or a default access reads (its status, why it
ended, where it links, whether it is on) are written once. What a carer sees of a member
is :mod:`kindred.care.shared`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kindred.care.models import Referral, ReferralStatus
from kindred.consent import visibility
from kindred.consent.grants import SCOPE_LABELS, active_grants, live
from kindred.consent.models import ConsentGrant
from kindred.consent.sources import team_for
from kindred.consent.whocansee import RELATION_LABELS

if TYPE_CHECKING:
    from kindred.accounts.models import User

# How many of their own grants and suggestions a member is shown at once.
GRANTS_LISTED = 200
ENDED_GRANTS_SHOWN = 50
REFERRALS_LISTED = 200
REFERRALS_SHOWN = 100


@dataclass(frozen=True, slots=True)
class GrantRow:
    id: int
    grantee_id: int
    grantee: str  # the grantee's handle
    scope: str
    scope_label: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    active: bool
    status: str  # active, expired or ended
    ended_reason: str
    ended_reason_label: str


@dataclass(frozen=True, slots=True)
class Sharing:
    active: list[GrantRow]  # by grantee, then scope
    ended: list[GrantRow]  # newest first


@dataclass(frozen=True, slots=True)
class ReferralRow:
    id: int
    member_id: int
    author_id: int
    author: str  # the author's handle
    kind: str
    kind_label: str
    url: str  # the checked link; empty when there is none to follow
    title: str
    note: str
    status: str  # open, accepted or dismissed
    status_label: str
    created_at: datetime
    responded_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.status == ReferralStatus.OPEN


def grant_row(grant: ConsentGrant) -> GrantRow:
    """Needs ``grantee`` loaded (``select_related``) to stay one query for a list."""
    return GrantRow(
        id=grant.pk,
        grantee_id=grant.grantee_id,
        grantee=grant.grantee.handle,
        scope=grant.scope,
        scope_label=str(grant.get_scope_display()),
        created_at=grant.created_at,
        expires_at=grant.expires_at,
        revoked_at=grant.revoked_at,
        active=grant.is_active(),
        status=grant.status(),
        ended_reason=grant.ended_reason,
        ended_reason_label=str(grant.get_ended_reason_display()),
    )


def grants_of(member: User) -> list[GrantRow]:
    """The member's grants, newest first, revoked and expired ones included."""
    rows = ConsentGrant.objects.filter(member=member).select_related("grantee")
    return [grant_row(g) for g in rows[:GRANTS_LISTED]]


def sharing_of(member: User) -> Sharing:
    """The member's grants split as the grants page shows them: those that count now,
    and the latest that ended."""
    now_live = live()
    mine = ConsentGrant.objects.filter(member=member).select_related("grantee")
    return Sharing(
        active=[grant_row(g) for g in mine.filter(now_live).order_by("grantee__handle", "scope")],
        ended=[
            grant_row(g)
            for g in mine.exclude(now_live).order_by("-created_at")[:ENDED_GRANTS_SHOWN]
        ],
    )


def referral_row(referral: Referral) -> ReferralRow:
    """Needs ``author`` loaded (``select_related``) to stay one query for a list."""
    return ReferralRow(
        id=referral.pk,
        member_id=referral.member_id,
        author_id=referral.author_id,
        author=referral.author.handle,
        kind=referral.kind,
        kind_label=str(referral.get_kind_display()),
        url=referral.link,
        title=referral.title,
        note=referral.note,
        status=referral.status,
        status_label=str(referral.get_status_display()),
        created_at=referral.created_at,
        responded_at=referral.responded_at,
    )


def referrals_for(member: User, *, limit: int = REFERRALS_LISTED) -> list[ReferralRow]:
    """The suggestions made to the member, newest first, answered ones included."""
    rows = Referral.objects.filter(member=member).select_related("author")
    return [referral_row(r) for r in rows[:limit]]


def open_referral_count(member: User) -> int:
    return Referral.objects.filter(member=member, status=ReferralStatus.OPEN).count()


@dataclass(frozen=True, slots=True)
class DefaultAccessRow:
    """One thing the care team sees without the member sharing it."""

    key: str
    who: str  # the relation that sees it: "therapist"
    what: str
    label: str  # what they see, to follow "They see …"
    why: str
    can_switch_off: bool
    ends_when: str  # for one that cannot be switched off: what ends it; may be empty
    on: bool
    sentence: str  # "Your therapist sees …"


@dataclass(frozen=True, slots=True)
class TeamRow:
    person_id: int
    handle: str
    relation: str
    relation_label: str
    detail: str
    since: datetime | None
    url: str | None
    shared: list[str]  # the labels of what the member shares with them now
    # (key, "dr_ellis sees …") for each default access that applies to them now.
    defaults: list[tuple[str, str]]


def default_access_row(default: visibility.DefaultAccess, on: bool) -> DefaultAccessRow:
    return DefaultAccessRow(
        key=default.key,
        who=default.who,
        what=default.what,
        label=str(default.label),
        why=str(default.why),
        can_switch_off=default.can_switch_off,
        ends_when=str(default.ends_when),
        on=on,
        sentence=visibility.sentence(default),
    )


def default_access_of(member: User, off: set[str] | None = None) -> list[DefaultAccessRow]:
    """Every default access in declaration order, each with whether it is on for
    ``member``; one query unless ``off`` (:func:`visibility.switched_off`) is given."""
    off = visibility.switched_off(member) if off is None else off
    return [default_access_row(d, d.key not in off) for d in visibility.DEFAULTS]


def team_of(member: User, off: set[str] | None = None) -> list[TeamRow]:
    """The member's care team, with what each person sees: shared by the member, and by
    default (``off`` as for :func:`default_access_of`)."""
    off = visibility.switched_off(member) if off is None else off
    shared: dict[int, list[str]] = {}
    for grantee_id, scope in (
        active_grants().filter(member=member).values_list("grantee_id", "scope")
    ):
        shared.setdefault(grantee_id, []).append(str(SCOPE_LABELS[scope]))
    return [
        TeamRow(
            person_id=e.person.pk,
            handle=e.person.handle,
            relation=e.relation,
            relation_label=str(RELATION_LABELS.get(e.relation, e.relation)),
            detail=e.detail,
            since=e.since,
            url=e.url,
            shared=shared.get(e.person.pk, []),
            defaults=[
                (row.default.key, visibility.sentence(row.default, person=e.person.handle))
                for row in visibility.team_defaults([e.relation], off)
                if row.on
            ],
        )
        for e in team_for(member)
    ]
