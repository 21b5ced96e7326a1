"""Consent grants: the one place that decides what crosses the peer/clinical line.

A member shares one kind of information (a *scope*) with one person on their care
team, optionally until a date. Nothing is shared by default. A grant counts while it is
neither revoked nor expired, checked on every use, so revoking takes effect on the
grantee's next request. Every use is audited here (``care.grant.used``, the member as
target) so the member's "who looked at what" page can list it.

Other apps ask :func:`has_grant` (a yes/no, no audit) or, before showing anything,
:func:`access_shared` (raises the same :class:`NotFound` as a missing member, and audits
the use).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from kindred.accounts.models import User
from kindred.audit.actions import record_event
from kindred.consent import audit_names as consent_audit
from kindred.consent.models import ConsentGrant, Scope
from kindred.core.access import NotFound
from kindred.core.ids import parse_id

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MEASURE_TRENDS = Scope.MEASURE_TRENDS.value
PLAN_GOALS = Scope.PLAN_GOALS.value
GROUP_ATTENDANCE = Scope.GROUP_ATTENDANCE.value
SAFETY_PLAN = Scope.SAFETY_PLAN.value
SCOPES: tuple[str, ...] = tuple(Scope.values)
# Lazy labels: ``str()`` one where a plain string is needed (JSON, the API).
SCOPE_LABELS: dict[str, StrOrPromise] = dict(Scope.choices)

USED_EVENT = consent_audit.GRANT_USED


def _pk(user_or_id: Any) -> int | None:
    """A user's id, or an id as given; None for anonymous, nonsense or out of range."""
    if user_or_id is None:
        return None
    if isinstance(user_or_id, int):
        return parse_id(user_or_id)
    if not getattr(user_or_id, "is_authenticated", True):
        return None
    pk = getattr(user_or_id, "pk", None)
    return parse_id(pk if pk is not None else user_or_id)


def live(now: datetime | None = None) -> Q:
    """Grants that count now: not revoked, not expired."""
    now = now or timezone.now()
    return Q(revoked_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


def active_grants(*, now: datetime | None = None) -> QuerySet[ConsentGrant]:
    return ConsentGrant.objects.filter(live(now))


def has_grant(
    viewer: User | AnonymousUser | int,
    member: User | int,
    scope: str,
    *,
    now: datetime | None = None,
) -> bool:
    """Whether ``member`` currently shares ``scope`` with ``viewer``.

    The member is never their own grantee (they see their own data by other routes);
    an anonymous viewer or an unknown scope is always False.
    """
    viewer_id, member_id = _pk(viewer), _pk(member)
    if viewer_id is None or member_id is None or viewer_id == member_id or scope not in SCOPES:
        return False
    return (
        active_grants(now=now)
        .filter(grantee_id=viewer_id, member_id=member_id, scope=scope)
        .exists()
    )


def granted_scopes(
    viewer: User | AnonymousUser | int, member: User | int, *, now: datetime | None = None
) -> set[str]:
    viewer_id, member_id = _pk(viewer), _pk(member)
    if viewer_id is None or member_id is None or viewer_id == member_id:
        return set()
    return set(
        active_grants(now=now)
        .filter(grantee_id=viewer_id, member_id=member_id)
        .values_list("scope", flat=True)
    )


def record_use(
    viewer: User | AnonymousUser,
    member: User,
    scope: str,
    *,
    request: HttpRequest | None = None,
    what: str = "",
) -> None:
    record_event(
        actor=viewer,
        event=USED_EVENT,
        target=member,
        changes={"scope": scope, **({"what": what} if what else {})},
        request=request,
    )


def access_shared(
    viewer: User | AnonymousUser,
    member_id: int | str,
    scope: str,
    *,
    request: HttpRequest | None = None,
    what: str = "",
) -> User:
    """The member, when they share ``scope`` with ``viewer``; the use is audited.

    Without a live grant: :class:`NotFound`, exactly as for a member who does not exist.
    """
    member_pk = _pk(member_id)
    if member_pk is None or not has_grant(viewer, member_pk, scope):
        raise NotFound("member")
    member = User.objects.filter(pk=member_pk, is_active=True).first()
    if member is None:
        raise NotFound("member")
    record_use(viewer, member, scope, request=request, what=what)
    return member


def access_sharing_member(
    viewer: User | AnonymousUser, member_id: int | str
) -> tuple[User, set[str]]:
    """A member who shares something with ``viewer``, and what. Shows nothing by itself,
    so not audited; each section the caller shows goes through :func:`access_shared`."""
    member_pk = _pk(member_id)
    if member_pk is None:
        raise NotFound("member")
    scopes = granted_scopes(viewer, member_pk)
    member = User.objects.filter(pk=member_pk, is_active=True).first() if scopes else None
    if member is None:
        raise NotFound("member")
    return member, scopes


def shared_with(viewer: User | AnonymousUser) -> list[tuple[User, list[str]]]:
    """Members who share something with ``viewer`` now, with the scopes (two queries)."""
    viewer_id = _pk(viewer)
    if viewer_id is None:
        return []
    rows = list(
        active_grants()
        .filter(grantee_id=viewer_id, member__is_active=True)
        .select_related("member")
        .order_by("member__handle", "scope")
    )
    members: dict[int, tuple[User, list[str]]] = {}
    for grant in rows:
        members.setdefault(grant.member_id, (grant.member, []))[1].append(grant.scope)
    return list(members.values())
