"""Therapist profile operations: every view, task and test goes through these."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.accounts.access import check_role
from kindred.accounts.models import User
from kindred.audit.actions import record_event
from kindred.core.mail import send_mail_later
from kindred.core.notifications import do_notify
from kindred.core.roles import Role
from kindred.therapy import audit_names as therapy_audit
from kindred.therapy import vocabulary
from kindred.therapy.models import (
    LICENCE_FIELDS,
    PLAIN_FIELDS,
    Decision,
    LicenceVerification,
    ProfileFacet,
    ProfileStatus,
    TherapistProfile,
)

# Cleaned profile form data: the fields in LICENCE_FIELDS and PLAIN_FIELDS, and a list
# of codes for each facet in ``vocabulary.FACETS``. Amounts are Decimal (int in tests).
ProfileValue = str | int | bool | Decimal | date | list[str] | None
ProfileData = Mapping[str, ProfileValue]
# What an audit row records of a change: [before, after], as plain JSON values.
Changes = dict[str, Sequence[object]]

WARNING_DAYS = (30, 7)
PROFILE_URL = "/therapist/profile/"


class TherapyError(Exception):
    """Why the operation cannot go ahead (shown to the person who tried)."""


@dataclass(frozen=True)
class Saved:
    profile: TherapistProfile
    # True when a licence edit took a listed profile out of the directory.
    unlisted: bool


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _lock(profile: TherapistProfile) -> TherapistProfile:
    # Row lock: a staff decision, a therapist's edit and the expiry sweep may race.
    return TherapistProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)


def _codes(data: ProfileData, kind: str) -> list[str]:
    codes = data.get(kind)
    return codes if isinstance(codes, list) else []


def _amount(data: ProfileData, key: str) -> Decimal | int | None:
    value = data.get(key)
    return value if isinstance(value, Decimal | int) and not isinstance(value, bool) else None


def check_profile_data(data: ProfileData) -> None:
    """Validate what forms can't see across fields; raise TherapyError."""
    for kind in vocabulary.FACETS:
        for code in _codes(data, kind):
            if not vocabulary.is_valid(kind, code):
                raise TherapyError(_("Unknown %(kind)s: %(code)s") % {"kind": kind, "code": code})
    if vocabulary.IN_PERSON in _codes(data, "format") and not data.get("in_person_location"):
        raise TherapyError(_("Say where in-person sessions take place."))
    if (data.get("sliding_scale_min") is None) != (data.get("sliding_scale_max") is None):
        raise TherapyError(_("Give both ends of the sliding scale, or neither."))
    low, high = _amount(data, "sliding_scale_min"), _amount(data, "sliding_scale_max")
    if low is not None and high is not None:
        if low > high:
            raise TherapyError(_("The sliding scale's minimum is above its maximum."))
        fee = _amount(data, "fee")
        if fee is not None and high > fee:
            raise TherapyError(_("The sliding scale's maximum is above the full fee."))


def _lowest_fee(profile: TherapistProfile) -> Decimal | None:
    if profile.sliding_scale_min is not None:
        return profile.sliding_scale_min
    return profile.fee


def do_save_profile(user: User, data: ProfileData, *, request: HttpRequest | None = None) -> Saved:
    """Create or update ``user``'s own profile from cleaned form data.

    A licence edit on a listed (or expired) profile sends it back to be checked again;
    a changed expiry date re-arms the expiry warnings.
    """
    check_role(user, Role.THERAPIST)
    check_profile_data(data)
    with transaction.atomic():
        profile, created = TherapistProfile.objects.get_or_create(user=user)
        profile = _lock(profile)
        changes: Changes = {}
        for field in LICENCE_FIELDS + PLAIN_FIELDS:
            if field not in data:
                continue
            old, new = getattr(profile, field), data[field]
            if old != new:
                changes[field] = [_plain(old), _plain(new)]
                setattr(profile, field, new)
        licence_changed = any(f in changes for f in LICENCE_FIELDS)
        unlisted = False
        if licence_changed and profile.status in (ProfileStatus.VERIFIED, ProfileStatus.EXPIRED):
            unlisted = profile.status == ProfileStatus.VERIFIED
            changes["status"] = [profile.status, ProfileStatus.SUBMITTED]
            profile.status = ProfileStatus.SUBMITTED
            profile.submitted_at = timezone.now()
        if "licence_expires_on" in changes:
            profile.warned_30d_at = profile.warned_7d_at = None
        profile.lowest_fee = _lowest_fee(profile)
        profile.save()
        facet_changes = _set_facets(profile, data)
        changes.update(facet_changes)
        if changes or created:
            record_event(
                actor=user,
                event=therapy_audit.PROFILE_SAVED,
                target=profile,
                changes=changes,
                request=request,
            )
        if changes.get("status"):
            _notify_reviewers(profile)
    return Saved(profile=profile, unlisted=unlisted)


def _plain(value: ProfileValue) -> ProfileValue:
    if isinstance(value, Decimal | date):
        return str(value)
    return value


def _set_facets(profile: TherapistProfile, data: ProfileData) -> Changes:
    current = profile.facet_codes()
    changes: Changes = {}
    for kind in vocabulary.FACETS:
        if kind not in data:
            continue
        wanted = set(_codes(data, kind))
        held = set(current[kind])
        if wanted == held:
            continue
        ProfileFacet.objects.filter(profile=profile, kind=kind, code__in=held - wanted).delete()
        ProfileFacet.objects.bulk_create(
            [ProfileFacet(profile=profile, kind=kind, code=c) for c in sorted(wanted - held)]
        )
        changes[kind] = [sorted(held), sorted(wanted)]
    return changes


def missing_for_submission(profile: TherapistProfile, today: date) -> list[str]:
    """What the therapist still has to fill in before staff can check the licence."""
    missing = [
        label
        for field, label in (
            ("licence_type", _("licence type")),
            ("licence_number", _("licence number")),
            ("jurisdiction", _("jurisdiction")),
            ("licence_expires_on", _("licence expiry date")),
            ("fee", _("fee per session")),
            ("introduction", _("introduction")),
        )
        if getattr(profile, field) in (None, "")
    ]
    if profile.licence_expires_on and profile.licence_expires_on < today:
        missing.append(_("a licence that has not expired"))
    if not profile.facets.filter(kind="format").exists():
        missing.append(_("at least one session format"))
    return missing


def do_submit_for_verification(
    user: User, *, now: datetime | None = None, request: HttpRequest | None = None
) -> TherapistProfile:
    check_role(user, Role.THERAPIST)
    now = _now(now)
    with transaction.atomic():
        profile = TherapistProfile.objects.filter(user=user).first()
        if profile is None:
            raise TherapyError(_("Save your profile first."))
        profile = _lock(profile)
        if profile.status not in (ProfileStatus.DRAFT, ProfileStatus.REJECTED):
            raise TherapyError(_("This profile is not waiting to be submitted."))
        missing = missing_for_submission(profile, now.date())
        if missing:
            raise TherapyError(
                _("Before submitting, add: %(missing)s.") % {"missing": ", ".join(missing)}
            )
        old = profile.status
        profile.status = ProfileStatus.SUBMITTED
        profile.submitted_at = now
        profile.save(update_fields=["status", "submitted_at", "updated_at"])
        record_event(
            actor=user,
            event=therapy_audit.PROFILE_SUBMITTED,
            target=profile,
            changes={"status": [old, profile.status]},
            request=request,
        )
        _notify_reviewers(profile)
    return profile


def _notify_reviewers(profile: TherapistProfile) -> None:
    staff = User.objects.filter(roles__role=Role.STAFF, is_active=True).distinct()
    do_notify(
        staff,
        kind="therapy.verification_needed",
        title=f"A therapist licence is waiting to be checked (profile #{profile.pk})",
        url=f"/staff/therapists/{profile.pk}/",
    )


def _snapshot(profile: TherapistProfile) -> dict[str, ProfileValue]:
    return {f: _plain(getattr(profile, f)) for f in LICENCE_FIELDS}


def _decide(
    staff: User,
    profile: TherapistProfile,
    decision: str,
    evidence_notes: str,
    reason: str,
    now: datetime | None,
    request: HttpRequest | None,
) -> LicenceVerification:
    check_role(staff, Role.STAFF)
    now = _now(now)
    if not evidence_notes.strip():
        raise TherapyError(_("Write down what you checked."))
    with transaction.atomic():
        profile = _lock(profile)
        if profile.status != ProfileStatus.SUBMITTED:
            raise TherapyError(_("This profile is not waiting for a licence check."))
        if profile.user_id == staff.pk:
            raise TherapyError(_("Someone else has to check your own licence."))
        if (
            decision == Decision.VERIFIED
            and profile.licence_expires_on
            and profile.licence_expires_on < now.date()
        ):
            raise TherapyError(_("This licence has expired; it cannot be verified."))
        check = LicenceVerification.objects.create(
            profile=profile,
            checked_by=staff,
            decision=decision,
            evidence_notes=evidence_notes,
            reason=reason,
            licence_snapshot=_snapshot(profile),
            checked_at=now,
        )
        old = profile.status
        if decision == Decision.VERIFIED:
            profile.status = ProfileStatus.VERIFIED
            profile.verified_at = now
            profile.rejection_reason = ""
        else:
            profile.status = ProfileStatus.REJECTED
            profile.rejection_reason = reason
        profile.save(update_fields=["status", "verified_at", "rejection_reason", "updated_at"])
        record_event(
            actor=staff,
            event=therapy_audit.LICENCE_DECIDED[decision],
            target=profile,
            changes={"status": [old, profile.status], "verification": check.pk},
            request=request,
        )
        title = (
            "Your licence is verified: your profile is listed in the directory"
            if decision == Decision.VERIFIED
            else "Your licence could not be verified: see why on your profile"
        )
        do_notify([profile.user], kind=f"therapy.licence_{decision}", title=title, url=PROFILE_URL)
    return check


def do_verify(
    staff: User,
    profile: TherapistProfile,
    *,
    evidence_notes: str,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> LicenceVerification:
    return _decide(staff, profile, Decision.VERIFIED, evidence_notes, "", now, request)


def do_reject(
    staff: User,
    profile: TherapistProfile,
    *,
    reason: str,
    evidence_notes: str,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> LicenceVerification:
    if not reason.strip():
        raise TherapyError(_("Tell the therapist why (they will see this)."))
    return _decide(staff, profile, Decision.REJECTED, evidence_notes, reason, now, request)


def unlist_expired(now: datetime | None = None) -> list[TherapistProfile]:
    """Take every listed profile whose licence has lapsed out of the directory.

    A licence is valid through its expiry date (UTC).
    """
    today = _now(now).date()
    unlisted: list[TherapistProfile] = []
    candidates = TherapistProfile.objects.filter(
        status=ProfileStatus.VERIFIED, licence_expires_on__lt=today
    )
    for profile_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            profile = TherapistProfile.objects.select_for_update().filter(pk=profile_id).first()
            if (
                profile is None
                or profile.status != ProfileStatus.VERIFIED
                or profile.licence_expires_on is None
                or profile.licence_expires_on >= today
            ):
                continue
            profile.status = ProfileStatus.EXPIRED
            profile.save(update_fields=["status", "updated_at"])
            record_event(
                actor=None,
                event=therapy_audit.LICENCE_EXPIRED,
                target=profile,
                changes={"status": [ProfileStatus.VERIFIED, ProfileStatus.EXPIRED]},
            )
            do_notify(
                [profile.user],
                kind="therapy.licence_expired",
                title="Your licence has expired, so your profile is no longer listed",
                url=PROFILE_URL,
            )
            unlisted.append(profile)
    return unlisted


def warn_expiring(now: datetime | None = None) -> list[tuple[TherapistProfile, int]]:
    """Tell listed therapists 30 and 7 days before their licence expires, once each.

    A therapist first seen inside the 7-day window gets only the 7-day warning.
    """
    today = _now(now).date()
    sent_at = _now(now)
    warned: list[tuple[TherapistProfile, int]] = []
    horizon = today + timedelta(days=max(WARNING_DAYS))
    candidates = TherapistProfile.objects.filter(
        status=ProfileStatus.VERIFIED,
        licence_expires_on__gte=today,
        licence_expires_on__lte=horizon,
    )
    for profile_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            profile = (
                TherapistProfile.objects.select_for_update()
                .select_related("user")
                .filter(pk=profile_id)
                .first()
            )
            if profile is None or profile.licence_expires_on is None:
                continue
            days_left = (profile.licence_expires_on - today).days
            due = _due_warning(profile, days_left)
            if due is None:
                continue
            profile.warned_30d_at = profile.warned_30d_at or sent_at
            if due == 7:
                profile.warned_7d_at = sent_at
            profile.save(update_fields=["warned_30d_at", "warned_7d_at", "updated_at"])
            _send_warning(profile, days_left)
            warned.append((profile, due))
    return warned


def _due_warning(profile: TherapistProfile, days_left: int) -> int | None:
    if days_left < 0 or profile.status != ProfileStatus.VERIFIED:
        return None
    if days_left <= 7:
        return 7 if profile.warned_7d_at is None else None
    if days_left <= 30:
        return 30 if profile.warned_30d_at is None else None
    return None


def _send_warning(profile: TherapistProfile, days_left: int) -> None:
    expires = f"{profile.licence_expires_on:%-d %B %Y}"
    title = f"Your licence expires on {expires}: renew it to stay listed"
    do_notify([profile.user], kind="therapy.licence_expiring", title=title, url=PROFILE_URL)
    body = (
        f"Hello {profile.user.legal_name or profile.user.handle},\n\n"
        f"The licence on your Kindred therapist profile expires on {expires} "
        f"({days_left} day{'s' if days_left != 1 else ''} from now). When it expires your "
        "profile leaves the directory automatically.\n\n"
        "Once you have renewed it, enter the new expiry date on your profile and we will "
        f"check it again: {settings.SITE_URL}{PROFILE_URL}\n"
    )
    send_mail_later(
        "therapy.licence_expiring",
        "[Kindred] Your licence expires soon",
        body,
        [profile.user.email],
    )
