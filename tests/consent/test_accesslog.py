"""The member's "who looked" page comes from the audit log: looks by others, and their own
grants and revocations; never anyone else's."""

from __future__ import annotations

import pytest

from kindred.consent import actions as consent_actions
from kindred.consent import grants
from kindred.consent.accesslog import access_log_for
from kindred.measures.access import access_client_results

pytestmark = pytest.mark.django_db


def test_it_lists_grants_uses_and_therapist_reads(
    care_team, member, member2, peer_supporter, therapist
):
    grant = consent_actions.do_grant(member, peer_supporter.pk, grants.SAFETY_PLAN)
    grants.access_shared(peer_supporter, member.pk, grants.SAFETY_PLAN)
    access_client_results(therapist, member.pk)
    consent_actions.do_revoke_grant(member, grant.pk)
    rows = [(e.who, e.action, e.what) for e in access_log_for(member)]
    assert rows == [
        ("You", "You stopped sharing with peer_priya", "My safety plan"),
        ("dr_ellis", "Looked at", "questionnaire results"),
        ("peer_priya", "Looked at", "My safety plan"),
        ("You", "You shared with peer_priya", "My safety plan"),
    ]
    assert access_log_for(member2) == []


def test_it_is_three_queries_however_long(
    care_team, member, peer_supporter, django_assert_num_queries
):
    consent_actions.do_grant(member, peer_supporter.pk, grants.SAFETY_PLAN)
    for _ in range(5):
        grants.access_shared(peer_supporter, member.pk, grants.SAFETY_PLAN)
    with django_assert_num_queries(3):
        assert len(access_log_for(member)) == 6


def test_an_ended_relationship_is_said_as_such(care_team, member, peer_supporter):
    consent_actions.do_grant(member, peer_supporter.pk, grants.MEASURE_TRENDS)
    consent_actions.do_end_grants_between(member, peer_supporter, reason="connection_ended")
    latest = access_log_for(member)[0]
    assert (latest.who, latest.action) == (
        "Kindred",
        "Sharing with peer_priya ended: the peer connection ended",
    )
