"""The one place that decides cross-line sharing: live grants only, every use audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.consent import actions as consent_actions
from kindred.consent import grants
from kindred.consent.models import ConsentGrant
from kindred.core.access import NotFound
from kindred.core.models import Notification

pytestmark = pytest.mark.django_db


def test_nothing_is_shared_by_default(care_team, member, peer_supporter, therapist):
    for scope in grants.SCOPES:
        assert not grants.has_grant(peer_supporter, member, scope)
        assert not grants.has_grant(therapist, member, scope)
    assert grants.granted_scopes(peer_supporter, member) == set()
    assert grants.shared_with(peer_supporter) == []


def test_a_grant_shares_exactly_its_scope_with_exactly_its_grantee(
    care_team, member, member2, peer_supporter, facilitator
):
    consent_actions.do_grant(member, peer_supporter.pk, grants.MEASURE_TRENDS)
    assert grants.has_grant(peer_supporter, member, grants.MEASURE_TRENDS)
    assert grants.has_grant(peer_supporter.pk, member.pk, grants.MEASURE_TRENDS)
    assert grants.granted_scopes(peer_supporter, member) == {grants.MEASURE_TRENDS}
    for scope in set(grants.SCOPES) - {grants.MEASURE_TRENDS}:
        assert not grants.has_grant(peer_supporter, member, scope)
    assert not grants.has_grant(facilitator, member, grants.MEASURE_TRENDS)
    # The grant is one way: the member gets nothing of the supporter's, nor of member2's.
    assert not grants.has_grant(member, peer_supporter, grants.MEASURE_TRENDS)
    assert not grants.has_grant(peer_supporter, member2, grants.MEASURE_TRENDS)
    assert grants.shared_with(peer_supporter) == [(member, [grants.MEASURE_TRENDS])]


def test_revoking_takes_effect_at_once(care_team, member, peer_supporter):
    grant = consent_actions.do_grant(member, peer_supporter.pk, grants.SAFETY_PLAN)
    assert grants.has_grant(peer_supporter, member, grants.SAFETY_PLAN)
    consent_actions.do_revoke_grant(member, grant.pk)
    assert not grants.has_grant(peer_supporter, member, grants.SAFETY_PLAN)
    with pytest.raises(NotFound):
        grants.access_shared(peer_supporter, member.pk, grants.SAFETY_PLAN)
    grant.refresh_from_db()
    assert grant.revoked_at is not None


def test_an_expired_grant_shares_nothing(care_team, member, peer_supporter):
    grant = consent_actions.do_grant(
        member,
        peer_supporter.pk,
        grants.MEASURE_TRENDS,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    assert grants.has_grant(peer_supporter, member, grants.MEASURE_TRENDS)
    later = timezone.now() + timedelta(hours=2)
    assert not grants.has_grant(peer_supporter, member, grants.MEASURE_TRENDS, now=later)
    ConsentGrant.objects.filter(pk=grant.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert not grants.has_grant(peer_supporter, member, grants.MEASURE_TRENDS)
    assert grants.shared_with(peer_supporter) == []
    with pytest.raises(NotFound):
        grants.access_sharing_member(peer_supporter, member.pk)


def test_granting_again_renews_the_one_live_grant(care_team, member, peer_supporter):
    first = consent_actions.do_grant(
        member, peer_supporter.pk, grants.PLAN_GOALS, expires_at=timezone.now() + timedelta(days=1)
    )
    again = consent_actions.do_grant(member, peer_supporter.pk, grants.PLAN_GOALS)
    assert again.pk == first.pk and again.expires_at is None
    assert ConsentGrant.objects.filter(member=member, revoked_at__isnull=True).count() == 1
    events = list(
        AuditEvent.objects.filter(target_type="care.consentgrant").values_list("event", flat=True)
    )
    assert events == ["care.grant.created", "care.grant.renewed"]
    # Told once, when it was first shared.
    assert Notification.objects.filter(recipient=peer_supporter).count() == 1


def test_without_a_grant_it_is_the_same_not_found_as_a_missing_member(
    care_team, member, peer_supporter
):
    with pytest.raises(NotFound) as forbidden:
        grants.access_shared(peer_supporter, member.pk, grants.MEASURE_TRENDS)
    with pytest.raises(NotFound) as missing:
        grants.access_shared(peer_supporter, member.pk + 999, grants.MEASURE_TRENDS)
    assert str(forbidden.value) == str(missing.value)
    assert not AuditEvent.objects.filter(event=grants.USED_EVENT).exists()


def test_every_use_is_audited_with_the_scope(care_team, member, peer_supporter):
    consent_actions.do_grant(member, peer_supporter.pk, grants.GROUP_ATTENDANCE)
    got = grants.access_shared(peer_supporter, member.pk, grants.GROUP_ATTENDANCE, what="x")
    assert got == member
    use = AuditEvent.objects.get(event=grants.USED_EVENT)
    assert use.actor_id == peer_supporter.pk
    assert (use.target_type, use.target_id) == ("accounts.user", str(member.pk))
    assert use.changes == {"scope": grants.GROUP_ATTENDANCE, "what": "x"}


@pytest.mark.parametrize("viewer", ["anonymous", "self", "garbage"])
def test_odd_callers_have_no_grant(care_team, member, peer_supporter, viewer):
    consent_actions.do_grant(member, peer_supporter.pk, grants.MEASURE_TRENDS)
    who = {"anonymous": AnonymousUser(), "self": member, "garbage": "abc"}[viewer]
    assert not grants.has_grant(who, member, grants.MEASURE_TRENDS)
    assert not grants.has_grant(peer_supporter, member, "everything")
    with pytest.raises(NotFound):
        grants.access_sharing_member(who, member.pk)


def test_a_deactivated_member_shares_nothing(care_team, member, peer_supporter):
    consent_actions.do_grant(member, peer_supporter.pk, grants.MEASURE_TRENDS)
    member.is_active = False
    member.save(update_fields=["is_active"])
    with pytest.raises(NotFound):
        grants.access_shared(peer_supporter, member.pk, grants.MEASURE_TRENDS)
    assert grants.shared_with(peer_supporter) == []


@pytest.mark.parametrize("huge", [2**63, 10**30, str(10**30)])
def test_an_id_too_large_for_the_database_is_no_member(care_team, member, peer_supporter, huge):
    # Callers other than a URL (a task, a body field) reach here without the middleware.
    assert not grants.has_grant(peer_supporter, huge, grants.MEASURE_TRENDS)
    with pytest.raises(NotFound):
        grants.access_sharing_member(peer_supporter, huge)
    with pytest.raises(NotFound):
        grants.access_shared(peer_supporter, huge, grants.MEASURE_TRENDS)
