import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.core.access import NotFound
from kindred.core.models import Notification
from kindred.therapy import actions
from kindred.therapy.access import is_listed
from kindred.therapy.models import LicenceVerification, ProfileStatus
from tests.therapy.conftest import profile_data


def events(profile):
    return list(
        AuditEvent.objects.filter(target_type="therapy.therapistprofile", target_id=str(profile.pk))
        .order_by("seq")
        .values_list("event", flat=True)
    )


def test_a_new_profile_is_a_draft_and_unlisted(therapist):
    profile = actions.do_save_profile(therapist, profile_data()).profile
    assert profile.status == ProfileStatus.DRAFT
    assert not is_listed(therapist)
    assert profile.facet_codes()["modality"] == ["cbt"]
    assert events(profile) == ["therapy.profile_saved"]


def test_the_full_workflow_lists_the_profile_and_audits_each_step(therapist, staff, client):
    profile = actions.do_save_profile(therapist, profile_data()).profile
    actions.do_submit_for_verification(therapist)
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.SUBMITTED and not is_listed(therapist)
    assert Notification.objects.filter(recipient=staff, kind="therapy.verification_needed").exists()

    check = actions.do_verify(staff, profile, evidence_notes="HCPC register entry PYL12345, 2 May.")
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.VERIFIED and is_listed(therapist)
    assert check.checked_by == staff and check.decision == "verified"
    assert check.licence_snapshot["licence_number"] == "PYL12345"
    assert events(profile) == [
        "therapy.profile_saved",
        "therapy.profile_submitted",
        "therapy.licence_verified",
    ]
    verified = AuditEvent.objects.get(event="therapy.licence_verified")
    assert verified.actor_id == staff.pk
    assert verified.changes["status"] == ["submitted", "verified"]
    assert Notification.objects.filter(
        recipient=therapist, kind="therapy.licence_verified"
    ).exists()


def test_rejection_keeps_the_profile_unlisted_and_tells_the_therapist_why(therapist, staff):
    profile = actions.do_save_profile(therapist, profile_data()).profile
    actions.do_submit_for_verification(therapist)
    actions.do_reject(
        staff, profile, reason="Licence number not on the register.", evidence_notes="x"
    )
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.REJECTED
    assert profile.rejection_reason == "Licence number not on the register."
    assert not is_listed(therapist)
    assert LicenceVerification.objects.get(profile=profile).decision == "rejected"
    assert "therapy.licence_rejected" in events(profile)
    # They can fix it and submit again.
    actions.do_submit_for_verification(therapist)
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.SUBMITTED


def test_submission_needs_a_complete_profile(therapist):
    actions.do_save_profile(therapist, profile_data(licence_number="", format=[]))
    with pytest.raises(actions.TherapyError, match=r"licence number, .*session format"):
        actions.do_submit_for_verification(therapist)


def test_only_staff_decide_and_only_with_notes(therapist, therapist2, staff, make_profile):
    profile = make_profile(therapist, status="submitted")
    with pytest.raises(NotFound):
        actions.do_verify(therapist2, profile, evidence_notes="looks fine")
    with pytest.raises(actions.TherapyError):
        actions.do_verify(staff, profile, evidence_notes="  ")
    with pytest.raises(actions.TherapyError):
        actions.do_reject(staff, profile, reason="", evidence_notes="x")
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.SUBMITTED


def test_a_decided_profile_cannot_be_decided_again(therapist, staff, make_profile):
    profile = make_profile(therapist, status="verified")
    with pytest.raises(actions.TherapyError):
        actions.do_reject(staff, profile, reason="changed my mind", evidence_notes="x")


def test_editing_licence_data_unlists_a_verified_profile(therapist, make_profile):
    make_profile(therapist, status="verified")
    saved = actions.do_save_profile(therapist, profile_data(licence_number="PYL99999"))
    assert saved.unlisted
    assert saved.profile.status == ProfileStatus.SUBMITTED
    assert not is_listed(therapist)
    row = AuditEvent.objects.filter(event="therapy.profile_saved").latest("seq")
    assert row.changes["status"] == ["verified", "submitted"]
    assert row.changes["licence_number"] == ["PYL12345", "PYL99999"]


def test_editing_other_fields_keeps_the_profile_listed(therapist, make_profile):
    make_profile(therapist, status="verified")
    saved = actions.do_save_profile(
        therapist, profile_data(introduction="New words.", language=["en", "es"])
    )
    assert not saved.unlisted and saved.profile.status == ProfileStatus.VERIFIED
    assert is_listed(therapist)
    assert saved.profile.facet_codes()["language"] == ["en", "es"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"modality": ["astrology"]}, "Unknown modality"),
        ({"format": ["in_person"], "in_person_location": ""}, "in-person"),
        ({"sliding_scale_min": Decimal(40)}, "both ends"),
        ({"sliding_scale_min": Decimal(60), "sliding_scale_max": Decimal(50)}, "minimum is above"),
        (
            {"sliding_scale_min": Decimal(40), "sliding_scale_max": Decimal(90)},
            "above the full fee",
        ),
    ],
)
def test_profile_data_is_checked(therapist, overrides, message):
    with pytest.raises(actions.TherapyError, match=message):
        actions.do_save_profile(therapist, profile_data(**overrides))


def test_lowest_fee_follows_the_sliding_scale(therapist):
    profile = actions.do_save_profile(
        therapist,
        profile_data(sliding_scale_min=Decimal(40), sliding_scale_max=Decimal(80)),
    ).profile
    assert profile.lowest_fee == Decimal(40)


# --- Expiry -----------------------------------------------------------------------


def at(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)), dt.UTC)


def test_an_expired_licence_unlists_automatically(therapist, make_profile):
    profile = make_profile(therapist)
    expires = profile.licence_expires_on
    assert actions.unlist_expired(at(expires)) == []  # valid through its last day
    assert is_listed(therapist)
    unlisted = actions.unlist_expired(at(expires + dt.timedelta(days=1)))
    assert [p.pk for p in unlisted] == [profile.pk]
    profile.refresh_from_db()
    assert profile.status == ProfileStatus.EXPIRED
    assert "therapy.licence_expired" in events(profile)
    assert Notification.objects.filter(recipient=therapist, kind="therapy.licence_expired").exists()
    assert actions.unlist_expired(at(expires + dt.timedelta(days=2))) == []


def test_a_renewed_licence_goes_back_for_checking(therapist, make_profile):
    profile = make_profile(therapist)
    actions.unlist_expired(at(profile.licence_expires_on + dt.timedelta(days=1)))
    saved = actions.do_save_profile(
        therapist,
        profile_data(licence_expires_on=profile.licence_expires_on + dt.timedelta(days=400)),
    )
    assert saved.profile.status == ProfileStatus.SUBMITTED


def test_expiry_warnings_go_out_30_and_7_days_before_once_each(
    therapist, make_profile, django_capture_on_commit_callbacks
):
    profile = make_profile(therapist)
    expires = profile.licence_expires_on
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.warn_expiring(at(expires - dt.timedelta(days=31))) == []
        first = actions.warn_expiring(at(expires - dt.timedelta(days=30)))
        assert [(p.pk, days) for p, days in first] == [(profile.pk, 30)]
        assert actions.warn_expiring(at(expires - dt.timedelta(days=29))) == []
        assert actions.warn_expiring(at(expires - dt.timedelta(days=8))) == []
        second = actions.warn_expiring(at(expires - dt.timedelta(days=7)))
        assert [(p.pk, days) for p, days in second] == [(profile.pk, 7)]
        assert actions.warn_expiring(at(expires - dt.timedelta(days=1))) == []
    assert len(mail.outbox) == 2
    assert mail.outbox[0].to == [therapist.email]
    assert "30 days" in mail.outbox[0].body and "7 days" in mail.outbox[1].body
    assert (
        Notification.objects.filter(recipient=therapist, kind="therapy.licence_expiring").count()
        == 2
    )


def test_a_profile_first_seen_inside_a_week_gets_one_warning(
    therapist, make_profile, django_capture_on_commit_callbacks
):
    profile = make_profile(therapist)
    mail.outbox.clear()
    expires = profile.licence_expires_on
    with django_capture_on_commit_callbacks(execute=True):
        assert len(actions.warn_expiring(at(expires - dt.timedelta(days=3)))) == 1
        assert actions.warn_expiring(at(expires - dt.timedelta(days=2))) == []
    assert len(mail.outbox) == 1


def test_a_new_expiry_date_rearms_the_warnings(therapist, staff, make_profile):
    profile = make_profile(therapist)
    expires = profile.licence_expires_on
    actions.warn_expiring(at(expires - dt.timedelta(days=5)))
    later = expires + dt.timedelta(days=100)
    actions.do_save_profile(therapist, profile_data(licence_expires_on=later))
    profile.refresh_from_db()
    actions.do_verify(staff, profile, evidence_notes="renewal checked")
    assert len(actions.warn_expiring(at(later - dt.timedelta(days=30)))) == 1


def test_unlisted_profiles_get_no_warnings(therapist, make_profile):
    profile = make_profile(therapist, status="submitted")
    assert actions.warn_expiring(at(profile.licence_expires_on - dt.timedelta(days=7))) == []
