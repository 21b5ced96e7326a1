"""What the member's care pages and ``/api/v1/care/...`` read: their own grants and the
suggestions made to them, as rows.

Both faces call these, so "a member sees only their own grants and suggestions" and
how a grant or a suggestion reads (its status, why it ended, where it links) are
written once. What a carer sees of a member is :mod:`kindred.care.shared`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kindred.care.models import Referral, ReferralStatus
from kindred.consent.grants import live
from kindred.consent.models import ConsentGrant

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
