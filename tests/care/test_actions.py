"""Granting, revoking and referring: who may, what is checked, what is recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.care import actions
from kindred.care.models import Referral, ReferralStatus
from kindred.consent import actions as consent_actions
from kindred.consent import grants
from kindred.consent.models import ConsentGrant
from kindred.core.access import NotFound
from kindred.core.models import Notification
from tests.care.factories import book
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# --- Grants -----------------------------------------------------------------------------


def test_a_member_shares_with_someone_on_their_team(care_team, member, peer_supporter):
    grant = consent_actions.do_grant(member, peer_supporter.pk, grants.MEASURE_TRENDS)
    assert (grant.member, grant.grantee, grant.scope) == (
        member,
        peer_supporter,
        grants.MEASURE_TRENDS,
    )
    event = AuditEvent.objects.get(event="care.grant.created")
    assert event.actor_id == member.pk
    assert event.changes == {
        "scope": grants.MEASURE_TRENDS,
        "grantee_id": peer_supporter.pk,
        "expires_at": None,
    }
    note = Notification.objects.get(recipient=peer_supporter)
    assert note.url == f"/my/care/shared/{member.pk}/"


@pytest.mark.parametrize("who", ["member2", "therapist2", "member", "nobody", "text"])
def test_only_team_members_can_be_grantees(care_team, member, member2, therapist2, who):
    grantee_id = {
        "member2": member2.pk,
        "therapist2": therapist2.pk,
        "member": member.pk,
        "nobody": 10**6,
        "text": "abc",
    }[who]
    with pytest.raises(consent_actions.ConsentError):
        consent_actions.do_grant(member, grantee_id, grants.MEASURE_TRENDS)
    assert not ConsentGrant.objects.exists()
    assert not AuditEvent.objects.filter(event__startswith="care.").exists()


def test_the_therapist_from_bookings_is_on_the_team(care_team, member, therapist):
    consent_actions.do_grant(member, therapist.pk, grants.GROUP_ATTENDANCE)
    assert grants.has_grant(therapist, member, grants.GROUP_ATTENDANCE)


def test_a_scope_and_expiry_are_checked(care_team, member, peer_supporter):
    with pytest.raises(consent_actions.ConsentError):
        consent_actions.do_grant(member, peer_supporter.pk, "notes")
    with pytest.raises(consent_actions.ConsentError):
        consent_actions.do_grant(
            member,
            peer_supporter.pk,
            grants.SAFETY_PLAN,
            expires_at=timezone.now() - timedelta(minutes=1),
        )
    assert not ConsentGrant.objects.exists()


def test_only_the_member_can_revoke_and_only_once(care_team, member, member2, peer_supporter):
    grant = consent_actions.do_grant(member, peer_supporter.pk, grants.SAFETY_PLAN)
    for other in (member2, peer_supporter):
        with pytest.raises(NotFound):
            consent_actions.do_revoke_grant(other, grant.pk)
    assert grants.has_grant(peer_supporter, member, grants.SAFETY_PLAN)
    consent_actions.do_revoke_grant(member, grant.pk)
    with pytest.raises(NotFound):
        consent_actions.do_revoke_grant(member, grant.pk)
    with pytest.raises(NotFound):
        consent_actions.do_revoke_grant(member, "x")
    revoked = AuditEvent.objects.get(event="care.grant.revoked")
    assert revoked.changes == {"scope": grants.SAFETY_PLAN, "grantee_id": peer_supporter.pk}


def test_after_revoking_a_new_grant_can_be_made(care_team, member, peer_supporter):
    first = consent_actions.do_grant(member, peer_supporter.pk, grants.SAFETY_PLAN)
    consent_actions.do_revoke_grant(member, first.pk)
    second = consent_actions.do_grant(member, peer_supporter.pk, grants.SAFETY_PLAN)
    assert second.pk != first.pk
    assert grants.has_grant(peer_supporter, member, grants.SAFETY_PLAN)


def test_grants_end_with_the_relationship(care_team, member, peer_supporter, therapist):
    for scope in (grants.MEASURE_TRENDS, grants.SAFETY_PLAN):
        consent_actions.do_grant(member, peer_supporter.pk, scope)
    consent_actions.do_grant(member, therapist.pk, grants.GROUP_ATTENDANCE)
    assert (
        consent_actions.do_end_grants_between(member, peer_supporter, reason="connection_ended")
        == 2
    )
    assert grants.granted_scopes(peer_supporter, member) == set()
    assert grants.has_grant(therapist, member, grants.GROUP_ATTENDANCE)
    ended = AuditEvent.objects.filter(event="care.grant.revoked")
    assert [e.changes["reason"] for e in ended] == ["connection_ended"] * 2
    assert consent_actions.do_end_grants_between(member, peer_supporter, reason="blocked") == 0


def test_an_unknown_end_reason_is_refused(care_team, member, peer_supporter):
    consent_actions.do_grant(member, peer_supporter.pk, grants.SAFETY_PLAN)
    with pytest.raises(ValueError, match="unknown end reason"):
        consent_actions.do_end_grants_between(member, peer_supporter, reason="because")
    assert grants.has_grant(peer_supporter, member, grants.SAFETY_PLAN)


# --- Referrals --------------------------------------------------------------------------


def test_a_therapist_recommends_a_group_to_a_client(care_team, member, therapist):
    referral = actions.do_refer(
        therapist,
        member.pk,
        kind="group",
        url="/groups/7/",
        title="Tuesday anxiety circle",
        note="You mentioned feeling alone with this.",
    )
    assert (referral.kind, referral.url, referral.status) == ("group", "/groups/7/", "open")
    assert Notification.objects.get(recipient=member).url == "/my/care/suggestions/"
    assert AuditEvent.objects.get(event="care.referral.created").changes == {
        "kind": "group",
        "member_id": member.pk,
    }


def test_a_therapist_cannot_refer_someone_they_do_not_treat(
    care_team, member2, therapist, therapist2, member
):
    for author, target in ((therapist, member2), (therapist2, member)):
        with pytest.raises(NotFound):
            actions.do_refer(author, target.pk, kind="space", url="/spaces/x/", title="A space")
    assert not Referral.objects.exists()


def test_a_therapist_needs_a_second_factor(care_team, member):
    no_mfa = UserFactory(handle="dr_nomfa", roles=["therapist"])
    book(member, no_mfa, days=5)
    with pytest.raises(NotFound):
        actions.do_refer(no_mfa, member.pk, kind="group", url="/groups/1/", title="Group")


def test_a_therapist_does_not_suggest_therapy_and_links_stay_on_the_site(
    care_team, member, therapist
):
    with pytest.raises(actions.CareError):
        actions.do_refer(therapist, member.pk, kind="therapy", title="Therapy")
    for url in ("https://evil.example/", "//evil.example/x", "groups/1", "/\\evil", ""):
        with pytest.raises(actions.CareError):
            actions.do_refer(therapist, member.pk, kind="group", url=url, title="Group")
    with pytest.raises(actions.CareError):
        actions.do_refer(therapist, member.pk, kind="group", url="/groups/1/", title="  ")
    assert not Referral.objects.exists()


def test_a_peer_supporter_suggests_therapy_through_the_guide(care_team, member, peer_supporter):
    referral = actions.do_refer(
        peer_supporter, member.pk, kind="therapy", url="https://elsewhere.example/"
    )
    assert referral.url == "/guide/"
    assert referral.title == actions.THERAPY_TITLE
    with pytest.raises(actions.CareError):
        actions.do_refer(peer_supporter, member.pk, kind="group", url="/groups/1/", title="G")


def test_a_peer_supporter_off_the_team_cannot_suggest(
    care_team, member2, peer_supporter, outsider, member
):
    with pytest.raises(NotFound):
        actions.do_refer(peer_supporter, member2.pk, kind="therapy")
    with pytest.raises(NotFound):
        actions.do_refer(outsider, member.pk, kind="therapy")
    # On the team as a peer supporter but without the role: nothing either.
    care_team.add(member, outsider, "peer_supporter")
    with pytest.raises(NotFound):
        actions.do_refer(outsider, member.pk, kind="therapy")


def test_the_member_accepts_or_dismisses_once(
    care_team, member, member2, therapist, peer_supporter
):
    group = actions.do_refer(therapist, member.pk, kind="group", url="/groups/1/", title="G")
    therapy = actions.do_refer(peer_supporter, member.pk, kind="therapy")
    with pytest.raises(NotFound):
        actions.do_respond_referral(member2, group.pk, accept=True)
    accepted = actions.do_respond_referral(member, group.pk, accept=True)
    assert accepted.status == ReferralStatus.ACCEPTED and accepted.responded_at
    assert Notification.objects.filter(recipient=therapist, kind="care_referral").count() == 1
    dismissed = actions.do_respond_referral(member, therapy.pk, accept=False)
    assert dismissed.status == ReferralStatus.DISMISSED
    assert not Notification.objects.filter(recipient=peer_supporter).exists()
    with pytest.raises(actions.CareError):
        actions.do_respond_referral(member, group.pk, accept=False)
    events = set(AuditEvent.objects.values_list("event", flat=True))
    assert {"care.referral.accepted", "care.referral.dismissed"} <= events


@pytest.mark.parametrize(
    "url", ["/\t/evil.example/login", "/\n/evil.example", " //evil.example", "\\\\evil.example"]
)
def test_a_referral_link_cannot_leave_the_site_after_browser_normalisation(
    care_team, member, therapist, url
):
    with pytest.raises(actions.CareError):
        actions.do_refer(therapist, member.pk, kind="group", url=url, title="Group")
    assert not Referral.objects.exists()


def test_a_referral_keeps_a_local_link_as_written(care_team, member, therapist):
    referral = actions.do_refer(
        therapist, member.pk, kind="space", url=" /spaces/x/?page=2 ", title="A space"
    )
    assert referral.url == "/spaces/x/?page=2"


# --- Ending with the relationship -------------------------------------------------------


def test_a_relationship_that_ended_ends_sharing_both_ways(team, member, peer_supporter):
    team.add(member, peer_supporter)
    team.add(peer_supporter, member)
    consent_actions.do_grant(member, peer_supporter.pk, grants.SAFETY_PLAN)
    consent_actions.do_grant(peer_supporter, member.pk, grants.MEASURE_TRENDS)
    team.remove(member, peer_supporter)
    team.remove(peer_supporter, member)

    assert (
        consent_actions.do_end_grants_for_relationship(member, peer_supporter, reason="left_group")
        == 2
    )

    assert not grants.has_grant(peer_supporter, member, grants.SAFETY_PLAN)
    assert not grants.has_grant(member, peer_supporter, grants.MEASURE_TRENDS)
    assert set(ConsentGrant.objects.values_list("ended_reason", flat=True)) == {"left_group"}


def test_someone_still_on_the_team_keeps_what_was_shared(care_team, member, facilitator):
    grant = consent_actions.do_grant(member, facilitator.pk, grants.SAFETY_PLAN)
    assert (
        consent_actions.do_end_grants_for_relationship(member, facilitator, reason="left_group")
        == 0
    )
    grant.refresh_from_db()
    assert (
        grant.status() == "active"
        and not AuditEvent.objects.filter(event="care.grant.revoked").exists()
    )


def test_nothing_shared_costs_one_query(care_team, member, facilitator, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert (
            consent_actions.do_end_grants_for_relationship(member, facilitator, reason="blocked")
            == 0
        )


def test_closing_an_account_ends_what_it_shared_and_what_was_shared_with_it(
    care_team, member, peer_supporter, therapist
):
    care_team.add(peer_supporter, member)
    consent_actions.do_grant(member, therapist.pk, grants.MEASURE_TRENDS)
    consent_actions.do_grant(peer_supporter, member.pk, grants.SAFETY_PLAN)
    assert consent_actions.do_end_grants_of_account(member) == 2
    assert set(ConsentGrant.objects.values_list("ended_reason", flat=True)) == {"account_closed"}


def test_a_member_revoking_records_why(care_team, member, peer_supporter):
    grant = consent_actions.do_grant(member, peer_supporter.pk, grants.SAFETY_PLAN)
    consent_actions.do_revoke_grant(member, grant.pk)
    grant.refresh_from_db()
    assert (grant.status(), grant.ended_reason) == ("ended", "revoked")


def test_an_expired_grant_says_so(care_team, member, peer_supporter, time_machine):
    grant = consent_actions.do_grant(
        member,
        peer_supporter.pk,
        grants.SAFETY_PLAN,
        expires_at=timezone.now() + timedelta(days=1),
    )
    assert grant.status() == "active"
    assert grant.status(timezone.now() + timedelta(days=2)) == "expired"


# --- Therapy that lapsed ----------------------------------------------------------------


def attended(member, therapist, days_ago):
    from kindred.bookings.models import BookingStatus

    return book(member, therapist, days=-days_ago, status=BookingStatus.ATTENDED)


def test_sharing_with_a_therapist_lapses_after_the_configured_days(
    client, member, therapist, settings, time_machine
):
    from tests.care.factories import assert_sharing_ended, share_before_it_ends

    settings.THERAPY_ACCESS_LAPSE_DAYS = 30
    attended(member, therapist, days_ago=29)
    share_before_it_ends(client, member, therapist)
    assert actions.do_end_lapsed_therapy_grants() == 0

    time_machine.move_to(timezone.now() + timedelta(days=2), tick=False)
    assert actions.do_end_lapsed_therapy_grants() == 1

    assert_sharing_ended(client, member, therapist, "therapy_lapsed")


def test_a_session_within_the_window_or_ahead_keeps_the_sharing(member, member2, therapist):
    attended(member, therapist, days_ago=100)
    book(member2, therapist, days=400)
    consent_actions.do_grant(member, therapist.pk, grants.SAFETY_PLAN)
    consent_actions.do_grant(member2, therapist.pk, grants.SAFETY_PLAN)
    assert actions.do_end_lapsed_therapy_grants() == 0
    assert ConsentGrant.objects.filter(revoked_at__isnull=True).count() == 2


def test_a_therapist_who_is_also_the_peer_supporter_keeps_what_was_shared(
    team, member, therapist, settings, time_machine
):
    settings.THERAPY_ACCESS_LAPSE_DAYS = 30
    attended(member, therapist, days_ago=10)
    team.add(member, therapist, "peer_supporter")
    consent_actions.do_grant(member, therapist.pk, grants.SAFETY_PLAN)
    time_machine.move_to(timezone.now() + timedelta(days=60), tick=False)
    assert actions.do_end_lapsed_therapy_grants() == 0


# --- Default access -------------------------------------------------------------------


def test_a_member_switches_a_default_off_and_on_audited(member):
    from kindred.consent import visibility

    key = visibility.THERAPIST_ASSIGNED_QUESTIONNAIRES.key
    assert consent_actions.do_set_default_access(member, key, on=False) is True
    assert consent_actions.do_set_default_access(member, key, on=False) is False
    assert not visibility.is_on(member, visibility.THERAPIST_ASSIGNED_QUESTIONNAIRES)
    assert consent_actions.do_set_default_access(member, key, on=True) is True
    assert visibility.is_on(member, visibility.THERAPIST_ASSIGNED_QUESTIONNAIRES)
    changes = [
        e.changes
        for e in AuditEvent.objects.filter(event="care.default_access_changed").order_by("seq")
    ]
    assert changes == [{"key": key, "on": [True, False]}, {"key": key, "on": [False, True]}]


@pytest.mark.parametrize("key", ["therapist.risk_alerts", "nonsense", "", None, 7])
def test_only_switchable_defaults_can_be_switched(member, key):
    with pytest.raises(consent_actions.ConsentError, match="Choose something you can switch off"):
        consent_actions.do_set_default_access(member, key, on=False)
