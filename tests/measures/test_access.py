"""Only the member who answered may read a response; a supporter sees the trend only through
a consent grant; the same error otherwise."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from kindred.audit.models import AuditEvent
from kindred.consent import actions as consent_actions
from kindred.consent import grants
from kindred.core.access import NotFound
from kindred.measures.access import (
    access_client_results,
    access_response,
    access_shared_trends,
    visible_responses,
)
from kindred.measures.actions import do_submit_response
from tests.care.factories import registered_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def response(member):
    return do_submit_response(member, "gad2", {"q1": 1, "q2": 2}).response


def test_the_owner_can_read_their_response(member, response):
    assert access_response(member, response.pk) == response
    assert list(visible_responses(member)) == [response]


@pytest.mark.parametrize(
    "persona",
    [
        "member2",
        "peer_supporter",
        "facilitator",
        "therapist",
        "therapist2",
        "moderator",
        "staff",
        "anonymous",
    ],
    indirect=True,
)
def test_nobody_else_can_read_it(persona, response):
    user = persona or AnonymousUser()
    with pytest.raises(NotFound) as forbidden:
        access_response(user, response.pk)
    with pytest.raises(NotFound) as missing:
        access_response(user, response.pk + 1000)
    assert str(forbidden.value) == str(missing.value) == "No such response."
    assert not visible_responses(user).exists()


@pytest.mark.parametrize("bad_id", [None, "abc", "1; DROP TABLE"])
def test_a_malformed_id_is_not_found(member, response, bad_id):
    with pytest.raises(NotFound):
        access_response(member, bad_id)


# --- Through a consent grant (care) -------------------------------------------------


@pytest.fixture
def on_team(member, peer_supporter, facilitator):
    with registered_team() as team:
        team.add(member, peer_supporter, "peer_supporter")
        team.add(member, facilitator, "facilitator")
        yield team


@pytest.fixture
def phq9_results(member):
    return [
        do_submit_response(member, "phq9", {f"q{i}": value for i in range(1, 10)}).response
        for value in (2, 1)
    ]


@pytest.mark.parametrize("viewer", ["peer_supporter", "facilitator"])
def test_without_a_grant_a_supporter_sees_no_results(
    request, on_team, member, phq9_results, viewer
):

    user = request.getfixturevalue(viewer)
    with pytest.raises(NotFound) as forbidden:
        access_shared_trends(user, member.pk)
    with pytest.raises(NotFound) as missing:
        access_shared_trends(user, member.pk + 1000)
    assert str(forbidden.value) == str(missing.value)
    with pytest.raises(NotFound):
        access_client_results(user, member.pk)
    assert not AuditEvent.objects.filter(event="care.grant.used").exists()


def test_with_a_grant_a_supporter_sees_exactly_the_trend(
    on_team, member, peer_supporter, phq9_results
):

    consent_actions.do_grant(member, peer_supporter.pk, grants.MEASURE_TRENDS)
    got, rows = access_shared_trends(peer_supporter, member.pk)
    assert got == member
    newest, oldest = phq9_results[1], phq9_results[0]
    assert rows == [
        ("phq9", newest.pk, newest.created_at, 9),
        ("phq9", oldest.pk, oldest.created_at, 18),
    ]
    # The trend only: four plain values per result, never the answers.
    assert all(len(row) == 4 and not isinstance(row[3], dict) for row in rows)
    # Responses themselves stay the member's (and the treating therapist's) alone.
    with pytest.raises(NotFound):
        access_response(peer_supporter, newest.pk)
    with pytest.raises(NotFound):
        access_client_results(peer_supporter, member.pk)
    use = AuditEvent.objects.get(event="care.grant.used")
    assert (use.actor_id, use.target_id) == (peer_supporter.pk, str(member.pk))
    assert use.changes["scope"] == grants.MEASURE_TRENDS


def test_after_revocation_a_supporter_sees_nothing_again(
    on_team, member, peer_supporter, phq9_results
):

    grant = consent_actions.do_grant(member, peer_supporter.pk, grants.MEASURE_TRENDS)
    access_shared_trends(peer_supporter, member.pk)
    consent_actions.do_revoke_grant(member, grant.pk)
    with pytest.raises(NotFound):
        access_shared_trends(peer_supporter, member.pk)


def test_another_scope_does_not_open_the_results(on_team, member, peer_supporter, phq9_results):

    consent_actions.do_grant(member, peer_supporter.pk, grants.SAFETY_PLAN)
    with pytest.raises(NotFound):
        access_shared_trends(peer_supporter, member.pk)
