"""Demo content for combined care: what the demo member shares, and a suggestion.

Runs after the bookings, groups and peers demos (so the member's team exists); shares
only with people who are on the demo member's team, through the real actions.
Idempotent: a second run creates nothing.
"""

from __future__ import annotations

from kindred.accounts.demo import DemoContext
from kindred.accounts.models import User
from kindred.care import actions
from kindred.care.access import referral_kinds_for
from kindred.care.models import Referral
from kindred.consent import actions as consent_actions
from kindred.consent import grants
from kindred.consent.models import ConsentGrant
from kindred.consent.sources import team_for

# Who sees what in the demo: the peer supporter the trend, the therapist the groups.
SHARES = (("peer", grants.MEASURE_TRENDS), ("therapist", grants.GROUP_ATTENDANCE))


def create_demo_care(users: dict[str, User]) -> int:
    member = users.get("member")
    if member is None:
        return 0
    on_team = {entry.person.pk for entry in team_for(member)}
    created = 0
    for key, scope in SHARES:
        grantee = users.get(key)
        if grantee is None or grantee.pk not in on_team:
            continue
        if ConsentGrant.objects.filter(
            member=member, grantee=grantee, scope=scope, revoked_at__isnull=True
        ).exists():
            continue
        consent_actions.do_grant(member, grantee.pk, scope)
        created += 1
    therapist = users.get("therapist")
    if (
        therapist is not None
        and "space" in referral_kinds_for(therapist, member)
        and not Referral.objects.filter(member=member, author=therapist).exists()
    ):
        actions.do_refer(
            therapist,
            member.pk,
            kind="space",
            url="/spaces/",
            title="The community spaces",
            note="Others who have felt the same way talk there; reading along is fine too.",
        )
        created += 1
    return created


def load(ctx: DemoContext) -> None:
    ctx.say(f"Care: {create_demo_care(ctx.users)} demo care item(s) created.")
