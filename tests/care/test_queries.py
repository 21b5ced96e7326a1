"""The member's own grants and suggestions, as the care pages and the API read them."""

from __future__ import annotations

import pytest

from kindred.care import actions, queries
from kindred.consent import actions as consent_actions

pytestmark = pytest.mark.django_db


def test_a_member_reads_only_their_own_grants(care_team, member, member2, peer_supporter):
    grant = consent_actions.do_grant(member, peer_supporter.pk, "measure_trends")
    (row,) = queries.grants_of(member)
    assert (row.id, row.grantee, row.scope, row.active, row.status) == (
        grant.pk,
        peer_supporter.handle,
        "measure_trends",
        True,
        "active",
    )
    assert queries.grants_of(member2) == []
    assert queries.grants_of(peer_supporter) == []


def test_sharing_splits_live_grants_from_ended_ones(care_team, member, peer_supporter, therapist):
    kept = consent_actions.do_grant(member, therapist.pk, "plan_goals")
    ended = consent_actions.do_grant(member, peer_supporter.pk, "measure_trends")
    consent_actions.do_revoke_grant(member, ended.pk)
    sharing = queries.sharing_of(member)
    assert [r.id for r in sharing.active] == [kept.pk]
    assert [(r.id, r.status, r.active) for r in sharing.ended] == [(ended.pk, "ended", False)]


def test_grants_are_read_in_one_query(
    care_team, member, peer_supporter, therapist, django_assert_num_queries
):
    consent_actions.do_grant(member, therapist.pk, "plan_goals")
    consent_actions.do_grant(member, peer_supporter.pk, "measure_trends")
    with django_assert_num_queries(1):
        assert len(queries.grants_of(member)) == 2


def test_a_member_reads_only_the_suggestions_made_to_them(care_team, member, member2, therapist):
    referral = actions.do_refer(therapist, member.pk, kind="space", url="/spaces/a/", title="A")
    (row,) = queries.referrals_for(member)
    assert (row.id, row.author, row.url, row.is_open) == (
        referral.pk,
        therapist.handle,
        "/spaces/a/",
        True,
    )
    assert queries.open_referral_count(member) == 1
    assert queries.referrals_for(member2) == [] and queries.open_referral_count(member2) == 0
    assert queries.referrals_for(therapist) == []
