"""Account operations shared by views, the API, commands and tests."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.accounts import audit_names as accounts_audit
from kindred.accounts.age import (
    OLDEST_AGE,
    age_on,
    band_change_handlers,
    band_for,
    came_of_age,
    current_age_band,
    minimum_age,
    today_for,
)
from kindred.accounts.lifecycle import run_account_closed_handlers
from kindred.accounts.models import AgeBand, LegalDocument, User, UserRole
from kindred.audit.actions import record_event
from kindred.core.notifications import do_notify
from kindred.core.roles import Role


class AgeError(ValueError):
    """A date of birth that cannot open an account (shown to the person)."""


def check_date_of_birth(born: datetime.date, today: datetime.date) -> None:
    """Refuse a date in the future, a mistyped year, or an age under ``MINIMUM_AGE``."""
    if born > today:
        raise AgeError(_("Your date of birth can't be in the future. Please check it."))
    age = age_on(born, today)
    if age > OLDEST_AGE:
        raise AgeError(_("Please check the year of your date of birth."))
    if age < minimum_age():
        raise AgeError(
            _(
                "Kindred is for people aged %(age)d and over, so we can't open an account "
                "for you yet. We're glad you looked for support: if you need to talk to "
                "someone now, “Get help now” at the top of every page lists free, "
                "confidential helplines."
            )
            % {"age": minimum_age()}
        )


def do_complete_signup(
    user: User,
    *,
    handle: str,
    date_of_birth: datetime.date,
    accepted: Sequence[LegalDocument] = (),
) -> None:
    """Finish a new account: its handle, its date of birth and the band from it, and
    the versions of the terms and privacy notice the person accepted.

    The date itself stays out of the audit record; the band goes in.
    """
    from kindred.accounts.legal import do_accept_legal_documents

    check_date_of_birth(date_of_birth, today_for(user))
    with transaction.atomic():
        user.handle = handle
        user.date_of_birth = date_of_birth
        user.age_band = band_for(date_of_birth, today_for(user))
        user.save(update_fields=["handle", "date_of_birth", "age_band"])
        UserRole.objects.get_or_create(user=user, role=Role.MEMBER)
        do_accept_legal_documents(user, list(accepted))
        record_event(
            actor=user,
            event=accounts_audit.ACCOUNT_SIGNUP,
            target=user,
            changes={
                "age_band": user.age_band,
                **{f"{d.kind}_version": d.version for d in accepted},
            },
        )


def _apply_band(
    locked: User,
    new: str,
    *,
    actor: User | None,
    event: str,
    reason: str,
    request: HttpRequest | None,
) -> dict[str, object]:
    """Store ``new`` as the band of ``locked`` and let every registered app follow.

    Caller holds the row lock of ``locked`` inside a transaction; the handlers run in
    it, so the band and what follows from it (connections ended, places given up)
    commit together with one audit record.
    """
    old = locked.age_band
    locked.age_band = new
    locked.save(update_fields=["age_band"])
    counts: dict[str, int] = {}
    for _name, handler in band_change_handlers():
        counts.update(handler(locked, old, new))
    changes: dict[str, object] = {"age_band": {"from": old, "to": new}, "reason": reason, **counts}
    record_event(actor=actor, event=event, target=locked, changes=changes, request=request)
    return changes


def do_move_to_adult(
    user: User, *, now: datetime.datetime | None = None, request: HttpRequest | None = None
) -> bool:
    """Move a teen who has turned 18 to the adult band; False if not (yet) due.

    What follows (each app decides, through its band-change handler):

    * teen community spaces and teen groups disappear for them, because access is
      derived from the band;
    * their places and waitlist places in teen groups' coming sessions are given up,
      so the places go to the next teen waiting; past sign-ups stay as history;
    * live peer connections and requests with teens end: an adult and a teen are
      never connected one to one. The teen is told the connection ended and why.

    Idempotent and safe to race (the request, sign-in and the hourly task may all
    try at once): the row lock and the re-check make exactly one of them move it.
    """
    if not came_of_age(user, now):
        return False
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not came_of_age(locked, now):
            user.age_band = locked.age_band
            return False
        _apply_band(
            locked,
            AgeBand.ADULT,
            actor=None,
            event=accounts_audit.ACCOUNT_AGE_BAND_CHANGED,
            reason="turned_18",
            request=request,
        )
        do_notify(
            [locked],
            kind="account.age_band_changed",
            title=_(
                "You're 18 now, so Kindred has moved you to its adult community spaces and groups."
            ),
            url=reverse("community_spaces"),
        )
    user.age_band = AgeBand.ADULT
    return True


def do_move_teens_who_came_of_age(now: datetime.datetime | None = None) -> int:
    """Move every teen who has turned 18 (the hourly task). Returns how many moved.

    Dates of birth are encrypted, so the database cannot find the birthdays: every
    teen with a date is read and checked here. Teens are a small part of the accounts
    and a decryption takes microseconds.
    """
    now = now or timezone.now()
    teens = (
        User.objects.filter(age_band=AgeBand.TEEN, date_of_birth__isnull=False, is_active=True)
        .only("pk", "age_band", "date_of_birth", "timezone")
        .order_by("pk")
    )
    due = [user for user in teens.iterator(chunk_size=500) if came_of_age(user, now)]
    return sum(do_move_to_adult(user, now=now) for user in due)


def do_correct_date_of_birth(
    actor: User,
    user: User,
    date_of_birth: datetime.date | None,
    *,
    request: HttpRequest | None = None,
) -> dict[str, object]:
    """Staff correct a date of birth (people cannot change theirs: it was set at sign-up).

    The band follows the corrected date in either direction, with everything a
    change of band brings; clearing the date keeps the band. The audit record names
    the staff member and the bands, never the date.
    """
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.date_of_birth = date_of_birth
        locked.save(update_fields=["date_of_birth"])
        new = current_age_band(locked)
        if new != locked.age_band:
            changes = _apply_band(
                locked,
                new,
                actor=actor,
                event=accounts_audit.ACCOUNT_DATE_OF_BIRTH_CORRECTED,
                reason="staff_correction",
                request=request,
            )
        else:
            changes = {"age_band": {"from": new, "to": new}, "reason": "staff_correction"}
            record_event(
                actor=actor,
                event=accounts_audit.ACCOUNT_DATE_OF_BIRTH_CORRECTED,
                target=locked,
                changes=changes,
                request=request,
            )
    user.date_of_birth = date_of_birth
    user.age_band = new
    return changes


def do_deactivate_account(
    actor: User | None, user: User, *, request: HttpRequest | None = None
) -> bool:
    """Switch an account off (a suspension of the whole account): it can no longer sign
    in, and what followed from its relationships ends (consent grants either way,
    :mod:`kindred.accounts.lifecycle`). False when it was already off."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not locked.is_active:
            return False
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        record_event(
            actor=actor,
            event=accounts_audit.ACCOUNT_DEACTIVATED,
            target=locked,
            changes={"is_active": [True, False], **run_account_closed_handlers(locked)},
            request=request,
        )
    user.is_active = False
    return True


def do_grant_role(actor: User | None, user: User, role: str) -> bool:
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    with transaction.atomic():
        _, created = UserRole.objects.get_or_create(user=user, role=role)
        if created:
            record_event(
                actor=actor,
                event=accounts_audit.ACCOUNT_ROLE_GRANTED,
                target=user,
                changes={"role": role},
            )
    user.forget_roles()
    return created


def do_revoke_role(actor: User | None, user: User, role: str) -> bool:
    with transaction.atomic():
        deleted, _ = UserRole.objects.filter(user=user, role=role).delete()
        if deleted:
            record_event(
                actor=actor,
                event=accounts_audit.ACCOUNT_ROLE_REVOKED,
                target=user,
                changes={"role": role},
            )
    user.forget_roles()
    return bool(deleted)


def do_update_profile(
    user: User, changes: Mapping[str, object], *, request: HttpRequest | None = None
) -> None:
    # Compare with the stored row: a bound ModelForm has already copied the new
    # values onto the instance during validation.
    stored = User.objects.filter(pk=user.pk).values(*changes).get()
    fields = sorted(k for k, v in changes.items() if stored[k] != v)
    if not fields:
        return
    with transaction.atomic():
        for key in fields:
            setattr(user, key, changes[key])
        user.save(update_fields=fields)
        # Field names only: values such as the legal name stay out of the log.
        record_event(
            actor=user,
            event=accounts_audit.ACCOUNT_PROFILE_UPDATED,
            target=user,
            changes={"fields": fields},
            request=request,
        )
