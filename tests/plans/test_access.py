from __future__ import annotations

import pytest

from kindred.audit.models import AuditEvent
from kindred.core.access import NotFound
from kindred.plans.access import access_client, access_member_plan, access_plan
from tests.plans.conftest import book


def test_the_plan_therapist_reads_and_each_read_is_audited(plan, therapist):
    assert access_plan(therapist, plan.pk) == plan
    events = AuditEvent.objects.filter(event="plans.treatmentplan.read")
    assert [(e.actor_id, e.target_id) for e in events] == [(therapist.pk, str(plan.pk))]


@pytest.mark.parametrize(
    "name", ["member", "member2", "peer_supporter", "therapist2", "moderator", "staff"]
)
def test_nobody_else_reads_it_as_therapist(request, plan, name):
    user = request.getfixturevalue(name)
    with pytest.raises(NotFound) as forbidden:
        access_plan(user, plan.pk)
    with pytest.raises(NotFound) as missing:
        access_plan(user, plan.pk + 1000)
    assert str(forbidden.value) == str(missing.value)


def test_another_treating_therapist_still_cannot_read_it(plan, member, therapist2):
    book(member, therapist2, days=5)
    with pytest.raises(NotFound):
        access_plan(therapist2, plan.pk)


def test_the_therapist_loses_access_when_treatment_ends(plan, therapist, treating):
    treating.delete()
    with pytest.raises(NotFound):
        access_plan(therapist, plan.pk)


@pytest.mark.parametrize(
    "name", ["member2", "peer_supporter", "therapist", "therapist2", "moderator", "staff"]
)
def test_only_the_member_reads_it_as_member(request, plan, member, name):
    assert access_member_plan(member, plan.pk) == plan
    with pytest.raises(NotFound):
        access_member_plan(request.getfixturevalue(name), plan.pk)


def test_access_client_is_limited_to_current_clients(treating, member, member2, therapist):
    assert access_client(therapist, member.pk) == member
    with pytest.raises(NotFound):
        access_client(therapist, member2.pk)
