"""Deleting an account (GDPR Art. 17): schedule, cancel, erase, and purge what was kept.

The steps, and who calls them (pages, API, ``kindred delete_account``, tasks):

1. :func:`do_schedule_deletion` — after :func:`check_schedule_deletion` (the password
   or a recent re-authentication; no duties left). The account becomes inactive at
   once: every session stops authenticating on its next request, every API token is
   revoked, and everything that shows people (peer suggestions, the therapist
   directory, care grants, community posts through
   :func:`kindred.accounts.deletion.shown_author`) leaves them out.
2. :func:`do_cancel_deletion` — during ``ACCOUNT_DELETION_GRACE_DAYS``; signing in offers it.
3. :func:`do_erase_account` — when due (the hourly task): every app's eraser
   (:data:`kindred.accounts.deletion.ERASERS`) removes or anonymises its rows, the
   treating therapists are told, and the account row is scrubbed down to a numeric id.
4. :func:`do_purge_retained` — ``CLINICAL_RETENTION_YEARS`` later: the clinical
   records go, and the account row with them when nothing else refers to it.

The audit trail is append-only and hash-chained, so it is never rewritten: its rows
name accounts by number only and record ids, states and counts, never content. Once
the account row is scrubbed the number leads nowhere, which is the pseudonymisation;
``verify_chain()`` still holds (tests/rights/test_deletion.py checks it).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from kindred.accounts.deletion import ERASERS, ErasePlan, Eraser, get_deleted_member
from kindred.accounts.models import User
from kindred.api.actions import do_revoke_all_tokens
from kindred.audit.actions import record_event
from kindred.bookings.models import Booking
from kindred.bookings.relationships import treating_therapists
from kindred.core.notifications import do_notify
from kindred.core.when import zone_of
from kindred.rights import audit_names as audit
from kindred.rights.deletion_models import AccountDeletion, DeletionState, PostsChoice

_discovered = False


def load_erasers() -> None:
    """Import every app's ``deletion`` module, so each registers its eraser."""
    global _discovered
    if not _discovered:
        autodiscover_modules("deletion")
        _discovered = True


class DeletionError(ValueError):
    """A request to delete that cannot go ahead; the message is for the person."""


class WrongPassword(DeletionError):
    pass


class DutiesPending(DeletionError):
    def __init__(self, duties: list[str]) -> None:
        self.duties = duties
        super().__init__(
            _("Hand these over before deleting your account: %(duties)s.")
            % {"duties": "; ".join(duties)}
        )


def grace_period() -> timedelta:
    return timedelta(days=settings.ACCOUNT_DELETION_GRACE_DAYS)


def retention_period() -> timedelta:
    # Years of 365¼ days: the exact day matters less than never purging early.
    return timedelta(days=int(settings.CLINICAL_RETENTION_YEARS * 365.25) + 1)


def pending_deletion(user: User) -> AccountDeletion | None:
    if getattr(user, "pk", None) is None:
        return None
    return AccountDeletion.objects.filter(user_id=user.pk, state=DeletionState.SCHEDULED).first()


def _shown_changed(user: User) -> None:
    load_erasers()
    for eraser in ERASERS.values():
        eraser.shown_changed(user)


def open_duties(user: User) -> list[str]:
    """What ``user`` must hand over first, from every app (empty: nothing)."""
    load_erasers()
    found: list[str] = []
    for eraser in ERASERS.values():
        found.extend(eraser.duties(user))
    return found


def check_schedule_deletion(
    user: User, *, password: str | None, recently_reauthenticated: bool = False
) -> None:
    """Raise unless ``user`` may schedule their own deletion now.

    The password proves it is them (or a re-authentication in the last few minutes,
    for a browser session); duties (open flags, coming sessions) must be handed over.
    """
    if not recently_reauthenticated and not (password and user.check_password(password)):
        raise WrongPassword(_("That password is not right."))
    duties = open_duties(user)
    if duties:
        raise DutiesPending(duties)


@dataclass(frozen=True)
class Scheduled:
    deletion: AccountDeletion
    tokens_revoked: int


def do_schedule_deletion(
    user: User,
    *,
    posts: str = PostsChoice.DELETE,
    actor: User | None = None,
    by_staff: bool = False,
    now: datetime | None = None,
    grace: timedelta | None = None,
    request: Any = None,
) -> Scheduled:
    """Schedule ``user``'s deletion and take the account out of sight at once.

    ``by_staff``: staff carry out a written request (``actor`` names them when known);
    otherwise the person asked themselves. Scheduling again while one is pending keeps
    the first date unless ``grace`` is shorter (staff's ``--now``).
    """
    if posts not in PostsChoice.values:
        raise DeletionError(_("Choose what happens to your community posts."))
    now = now or timezone.now()
    due = now + (grace_period() if grace is None else grace)
    by_staff = by_staff or (actor is not None and actor.pk != user.pk)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        deletion = AccountDeletion.objects.select_for_update().filter(user=locked).first()
        if deletion is not None and deletion.state == DeletionState.DONE:
            raise DeletionError(_("This account is already deleted."))
        if deletion is None:
            deletion = AccountDeletion(user=locked)
        if deletion.state != DeletionState.SCHEDULED or due < deletion.due_at:
            deletion.due_at = due
            deletion.requested_at = now
        deletion.state = DeletionState.SCHEDULED
        deletion.posts = posts
        deletion.by_staff = deletion.by_staff or by_staff
        deletion.cancelled_at = None
        deletion.save()
        # Inactive: Django's backends no longer accept the account, so every session
        # of it is signed out on its next request, wherever it is.
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        tokens = do_revoke_all_tokens(locked, reason="account_deletion")
        _shown_changed(locked)
        record_event(
            actor=actor if by_staff else locked,
            event=audit.DELETION_SCHEDULED,
            target=locked,
            changes={
                "due_at": deletion.due_at.isoformat(),
                "posts": posts,
                "by_staff": by_staff,
                "tokens_revoked": tokens,
            },
            request=request,
        )
    user.is_active = False
    return Scheduled(deletion, tokens)


def do_cancel_deletion(user: User, *, request: Any = None) -> bool:
    """Cancel a pending deletion and make the account usable again. False if none."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        deletion = (
            AccountDeletion.objects.select_for_update()
            .filter(user=locked, state=DeletionState.SCHEDULED)
            .first()
        )
        if deletion is None:
            return False
        deletion.state = DeletionState.CANCELLED
        deletion.cancelled_at = timezone.now()
        deletion.save(update_fields=["state", "cancelled_at"])
        locked.is_active = True
        locked.save(update_fields=["is_active"])
        _shown_changed(locked)
        record_event(actor=locked, event=audit.DELETION_CANCELLED, target=locked, request=request)
    user.is_active = True
    return True


def _notify_therapists(user: User) -> int:
    """Tell each treating therapist. Notification titles can go out in the email digest,
    so the client is named by the date of their latest session with that therapist,
    never by name: the email must not disclose who is in therapy."""
    therapists = list(treating_therapists(user).exclude(pk=user.pk))
    for therapist in therapists:
        latest = (
            Booking.objects.filter(member=user, therapist=therapist)
            .order_by("-starts_at")
            .values_list("starts_at", flat=True)
            .first()
        )
        do_notify(
            [therapist],
            kind="rights.client_deleted",
            title=_(
                "Your client booked for %(date)s deleted their Kindred account. Their "
                "coming sessions are cancelled; your records are kept for %(years)d "
                "years, then deleted."
            )
            % {
                "date": timezone.localtime(latest, zone_of(therapist)).strftime("%Y-%m-%d")
                if latest
                else "?",
                "years": settings.CLINICAL_RETENTION_YEARS,
            },
        )
    return len(therapists)


def _scrub(user: User, *, keep_identity: bool) -> None:
    """Reduce the account row to a number. While clinical records are kept, the legal
    name and date of birth stay with them (the records must say whose they are)."""
    tag = secrets.token_hex(6)
    user.email = f"deleted-{user.pk}-{tag}@deleted.invalid"
    user.handle = f"deleted-{tag}"
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.country = ""
    user.email_digest = False
    fields = [
        "email",
        "handle",
        "password",
        "is_active",
        "is_staff",
        "is_superuser",
        "country",
        "email_digest",
    ]
    if not keep_identity:
        user.legal_name = ""
        user.date_of_birth = None
        fields += ["legal_name", "date_of_birth"]
    # An update, not save(): save() would announce a password change for a scrub.
    User.objects.filter(pk=user.pk).update(**{f: getattr(user, f) for f in fields})


def has_retained(user: User) -> bool:
    """Whether any app keeps rows about ``user`` (clinical records within retention)."""
    from django.apps import apps

    load_erasers()
    for eraser in ERASERS.values():
        for label in eraser.retained:
            model = apps.get_model(label)
            for field in model._meta.get_fields():
                if (
                    getattr(field, "concrete", False)
                    and field.is_relation
                    and field.related_model is User
                    and not field.many_to_many
                    and model._default_manager.filter(**{field.name: user}).exists()
                ):
                    return True
    return False


def do_erase_account(deletion: AccountDeletion, *, now: datetime | None = None) -> dict[str, int]:
    """Erase a due deletion's account. Idempotent: a deletion already done is skipped."""
    load_erasers()
    now = now or timezone.now()
    with transaction.atomic():
        deletion = AccountDeletion.objects.select_for_update().get(pk=deletion.pk)
        if (
            deletion.user_id is None
            or deletion.state != DeletionState.SCHEDULED
            or deletion.due_at > now
        ):
            return {}
        user = User.objects.select_for_update().get(pk=deletion.user_id)
        counts: dict[str, int] = {"therapists_told": _notify_therapists(user)}
        plan = ErasePlan(
            anonymise_posts=deletion.posts == PostsChoice.ANONYMISE,
            deleted_member=get_deleted_member(),
        )
        for eraser in ERASERS.values():
            counts.update(eraser.erase(user, plan))
        kept = has_retained(user)
        _scrub(user, keep_identity=kept)
        deletion.state = DeletionState.DONE
        deletion.erased_at = now
        deletion.retained_until = now + retention_period()
        deletion.save(update_fields=["state", "erased_at", "retained_until"])
        record_event(
            actor=None,
            event=audit.ACCOUNT_ERASED,
            target_type="accounts.user",
            target_id=deletion.user_id or "",
            changes={"counts": counts, "records_kept": kept},
        )
    if not kept:
        do_purge_retained(deletion, now=now, force=True)
    return counts


def do_run_due_deletions(now: datetime | None = None) -> int:
    """Erase every account whose grace period is over (the hourly task)."""
    now = now or timezone.now()
    due = AccountDeletion.objects.filter(state=DeletionState.SCHEDULED, due_at__lte=now)
    return sum(1 for deletion in due if do_erase_account(deletion, now=now))


def do_purge_retained(
    deletion: AccountDeletion, *, now: datetime | None = None, force: bool = False
) -> dict[str, int] | None:
    """Purge what was kept for ``CLINICAL_RETENTION_YEARS`` and, when nothing refers to
    it any more, the account row itself. ``force``: nothing was kept, purge now.
    None when there is nothing (yet) to purge."""
    load_erasers()
    now = now or timezone.now()
    with transaction.atomic():
        deletion = AccountDeletion.objects.select_for_update().get(pk=deletion.pk)
        if deletion.state != DeletionState.DONE or deletion.retained_purged_at is not None:
            return None
        if not force and (deletion.retained_until is None or deletion.retained_until > now):
            return None
        user = (
            User.objects.filter(pk=deletion.user_id).first()
            if deletion.user_id is not None
            else None
        )
        counts: dict[str, int] = {}
        removed = False
        if user is not None:
            # Reverse order: notes refer to bookings, so clinical goes before bookings.
            for eraser in reversed(list(ERASERS.values())):
                counts.update(eraser.purge_retained(user))
            _scrub(user, keep_identity=False)
            try:
                with transaction.atomic():
                    user.delete()
                removed = True
            except ProtectedError:
                # Still named on others' records (a therapist's notes about clients):
                # the row stays, a bare number with no name, email or password.
                removed = False
        deletion.retained_purged_at = now
        deletion.save(update_fields=["retained_purged_at"])
        record_event(
            actor=None,
            event=audit.RETAINED_PURGED,
            target=deletion,
            changes={"counts": counts, "account_row_removed": removed},
        )
    return counts


def do_purge_expired_retention(now: datetime | None = None) -> int:
    """Purge kept records whose retention is over (the daily task)."""
    now = now or timezone.now()
    due = AccountDeletion.objects.filter(
        state=DeletionState.DONE, retained_purged_at__isnull=True, retained_until__lte=now
    )
    return sum(1 for deletion in due if do_purge_retained(deletion, now=now) is not None)


def _erase_exports(user: User, plan: ErasePlan) -> dict[str, int]:
    # Deleting each row removes its archive file too (export_models' post_delete).
    from kindred.rights.export_models import DataExport

    deleted = 0
    for export in DataExport.objects.filter(user=user):
        export.delete()
        deleted += 1
    return {"exports": deleted}


ERASERS.register("rights", Eraser(erase=_erase_exports, models=("rights.DataExport",)))
