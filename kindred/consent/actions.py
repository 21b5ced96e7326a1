"""Changing consent grants and default access. Views, the API, the apps whose
relationships end and demo data all call these.

Each ``do_*`` writes its audit row in the same transaction as the change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.accounts.models import User
from kindred.audit.actions import record_event
from kindred.consent import audit_names as consent_audit
from kindred.consent import visibility
from kindred.consent.grants import SCOPE_LABELS, SCOPES
from kindred.consent.models import ConsentGrant, DefaultAccessOptOut, EndReason
from kindred.consent.team import team_people
from kindred.core.access import NotFound
from kindred.core.notifications import do_notify


class ConsentError(ValueError):
    """A request that cannot be done as asked; the message is for the person."""


# --- Grants -----------------------------------------------------------------------------


def check_grant(
    member: User, grantee_id: int | str, scope: str, expires_at: datetime | None
) -> User:
    if scope not in SCOPES:
        raise ConsentError(_("Choose what to share."))
    if expires_at is not None and expires_at <= timezone.now():
        raise ConsentError(_("The end date must be in the future."))
    try:
        grantee_pk = int(grantee_id)
    except (TypeError, ValueError):
        raise ConsentError(_("Choose someone from your care team.")) from None
    if grantee_pk == member.pk or grantee_pk not in team_people(member):
        raise ConsentError(_("Choose someone from your care team."))
    grantee = User.objects.filter(pk=grantee_pk, is_active=True).first()
    if grantee is None:
        raise ConsentError(_("Choose someone from your care team."))
    return grantee


def do_grant(
    member: User,
    grantee_id: int | str,
    scope: str,
    *,
    expires_at: datetime | None = None,
    request: HttpRequest | None = None,
) -> ConsentGrant:
    """Share ``scope`` with someone on the member's team. Granting a scope that is
    already shared renews it with the new end date (one live grant per scope)."""
    grantee = check_grant(member, grantee_id, scope, expires_at)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                grant = (
                    ConsentGrant.objects.select_for_update()
                    .filter(member=member, grantee=grantee, scope=scope, revoked_at__isnull=True)
                    .first()
                )
                renewed = grant is not None
                if grant is None:
                    grant = ConsentGrant.objects.create(
                        member=member, grantee=grantee, scope=scope, expires_at=expires_at
                    )
                else:
                    grant.expires_at = expires_at
                    grant.save(update_fields=["expires_at"])
                record_event(
                    actor=member,
                    event=consent_audit.GRANT_RENEWED if renewed else consent_audit.GRANT_CREATED,
                    target_type=consent_audit.GRANT_TARGET_TYPE,
                    target_id=grant.pk,
                    changes={
                        "scope": scope,
                        "grantee_id": grantee.pk,
                        "expires_at": expires_at.isoformat() if expires_at else None,
                    },
                    request=request,
                )
                if not renewed:
                    do_notify(
                        [grantee],
                        kind="care_grant",
                        title=f"{member.handle} shared {str(SCOPE_LABELS[scope]).lower()} with you",
                        url=reverse("care_shared_member", args=[member.pk]),
                    )
                return grant
        except IntegrityError:
            # Another request created the same grant between our read and insert: the
            # second pass finds it (the partial unique constraint decided the race).
            continue
    raise ConsentError(_("Please try again."))


def do_revoke_grant(
    member: User, grant_id: int | str, *, request: HttpRequest | None = None
) -> ConsentGrant:
    """Stop sharing at once: every later check (``has_grant``) sees ``revoked_at``."""
    try:
        pk = int(grant_id)
    except (TypeError, ValueError):
        raise NotFound("grant") from None
    with transaction.atomic():
        # The row lock orders a revoke against a concurrent renewal of the same grant.
        grant = (
            ConsentGrant.objects.select_for_update()
            .filter(pk=pk, member_id=member.pk, revoked_at__isnull=True)
            .first()
        )
        if grant is None:
            raise NotFound("grant")
        grant.revoked_at = timezone.now()
        grant.ended_reason = EndReason.REVOKED
        grant.save(update_fields=["revoked_at", "ended_reason"])
        record_event(
            actor=member,
            event=consent_audit.GRANT_REVOKED,
            target_type=consent_audit.GRANT_TARGET_TYPE,
            target_id=grant.pk,
            changes={"scope": grant.scope, "grantee_id": grant.grantee_id},
            request=request,
        )
    return grant


def _end_grants(grants: QuerySet[ConsentGrant], reason: str) -> int:
    """Stamp every live grant of ``grants`` ended with ``reason``, each audited
    (``care.grant.revoked``, no actor: Kindred ended it). Runs in the caller's transaction."""
    if reason not in EndReason.values:
        raise ValueError(f"unknown end reason {reason!r}")
    with transaction.atomic():
        rows = list(grants.filter(revoked_at__isnull=True).select_for_update().order_by("pk"))
        now = timezone.now()
        for grant in rows:
            grant.revoked_at = now
            grant.ended_reason = reason
            grant.save(update_fields=["revoked_at", "ended_reason"])
            record_event(
                actor=None,
                event=consent_audit.GRANT_REVOKED,
                target_type=consent_audit.GRANT_TARGET_TYPE,
                target_id=grant.pk,
                changes={"scope": grant.scope, "grantee_id": grant.grantee_id, "reason": reason},
            )
    return len(rows)


def do_end_grants_between(member: User, grantee: User, *, reason: str) -> int:
    """End everything ``member`` shares with ``grantee``, whatever else ties them — for a
    block, or a connection that ended (its peer shared for that connection only).
    ``reason`` is an :class:`EndReason`; returns how many ended."""
    return _end_grants(
        ConsentGrant.objects.filter(member_id=member.pk, grantee_id=grantee.pk), reason
    )


def do_end_grants_for_relationship(first: User, second: User, *, reason: str) -> int:
    """A relationship between two people ended (a group left or archived, therapy
    ended): end what either shares with the other unless the other is still on their
    care team through another one (the same facilitator in a second group, say).

    The one function every app calls from the action that ends a relationship, after
    the change is written (the team sources read it back in the same transaction).
    """
    return do_end_grants_for_relationships([(first, second)], reason=reason)


def do_end_grants_for_relationships(pairs: Iterable[tuple[User, User]], *, reason: str) -> int:
    """:func:`do_end_grants_for_relationship` for many pairs (a group archived: every
    member with every facilitator). One query when nothing is shared, as is usual; the
    team is read only for members who share with the other side."""
    wanted: set[tuple[int, int]] = set()
    for first, second in pairs:
        if first.pk != second.pk:
            wanted |= {(first.pk, second.pk), (second.pk, first.pk)}
    if not wanted:
        return 0
    live = set(
        ConsentGrant.objects.filter(
            revoked_at__isnull=True,
            member_id__in={m for m, _ in wanted},
            grantee_id__in={g for _, g in wanted},
        )
        .values_list("member_id", "grantee_id")
        .distinct()
    )
    ended = 0
    teams: dict[int, dict[int, set[str]]] = {}
    members = User.objects.in_bulk({m for m, _ in live & wanted})
    for member_id, grantee_id in sorted(live & wanted):
        if member_id not in teams:
            teams[member_id] = team_people(members[member_id])
        if grantee_id not in teams[member_id]:
            ended += _end_grants(
                ConsentGrant.objects.filter(member_id=member_id, grantee_id=grantee_id), reason
            )
    return ended


def do_end_grants_of_account(user: User, *, reason: str = EndReason.ACCOUNT_CLOSED) -> int:
    """An account closed (deactivated, or about to be deleted): nothing it shared and
    nothing shared with it counts any more. Registered with
    :mod:`kindred.accounts.lifecycle`."""
    return _end_grants(
        ConsentGrant.objects.filter(Q(member_id=user.pk) | Q(grantee_id=user.pk)), reason
    )


# --- Default access -------------------------------------------------------------------


def do_set_default_access(
    member: User, key: str, *, on: bool, request: HttpRequest | None = None
) -> bool:
    """Switch one default access (:mod:`kindred.consent.visibility`) on or off for
    ``member``; takes effect on the next read. Returns whether anything changed."""
    if key not in visibility.SWITCHABLE:
        raise ConsentError(_("Choose something you can switch off."))
    with transaction.atomic():
        # Lock the member's row: two requests switching the same key wait in turn.
        User.objects.select_for_update().filter(pk=member.pk).first()
        rows = DefaultAccessOptOut.objects.filter(member_id=member.pk, key=key)
        was_on = not rows.exists()
        if was_on == on:
            return False
        if on:
            rows.delete()
        else:
            DefaultAccessOptOut.objects.create(member=member, key=key)
        record_event(
            actor=member,
            event=consent_audit.DEFAULT_ACCESS_CHANGED,
            target=member,
            changes={"key": key, "on": [was_on, on]},
            request=request,
        )
    return True
