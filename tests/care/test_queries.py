"""The member's own grants, suggestions, care team and default access, as the care pages
and the API read them."""

from __future__ import annotations

import pytest

from kindred.care import actions, queries
from kindred.consent import actions as consent_actions
from kindred.consent import grants, visibility

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


def test_the_team_page_and_the_api_read_the_same_team(login, care_team, member, peer_supporter):
    consent_actions.do_grant(member, peer_supporter.pk, grants.Scope.MEASURE_TRENDS)
    rows = {row.handle: row for row in queries.team_of(member)}
    api = {e["handle"]: e for e in login(member).get("/api/v1/care/team").json()}
    assert set(rows) == set(api) == {"peer_priya", "facil_frank", "dr_ellis"}
    assert rows["peer_priya"].shared == [str(grants.SCOPE_LABELS[grants.Scope.MEASURE_TRENDS])]
    assert rows["dr_ellis"].shared == []
    # What someone sees by default is said of them, and only while it is on.
    assert {key for key, _ in rows["dr_ellis"].defaults} == {
        d.key for d in visibility.defaults_for("therapist")
    }
    consent_actions.do_set_default_access(member, visibility.SWITCHABLE[0], on=False)
    assert visibility.SWITCHABLE[0] not in {
        key for row in queries.team_of(member) for key, _ in row.defaults
    }
    for handle, entry in api.items():
        assert (entry["relation"], entry["detail"]) == (rows[handle].relation, rows[handle].detail)


def test_default_access_is_on_until_switched_off(login, member):
    switched = visibility.SWITCHABLE[0]
    assert all(row.on for row in queries.default_access_of(member))
    consent_actions.do_set_default_access(member, switched, on=False)
    rows = queries.default_access_of(member)
    assert [row.key for row in rows] == [d.key for d in visibility.DEFAULTS]
    assert [row.key for row in rows if not row.on] == [switched]
    api = login(member).get("/api/v1/care/defaults").json()
    assert [(d["key"], d["on"]) for d in api] == [(row.key, row.on) for row in rows]
