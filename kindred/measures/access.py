"""Who may read questionnaire responses. The one place these rules live.

* The member who answered reads their own (:func:`visible_responses`,
  :func:`access_response`).
* A therapist who currently treats a member
  (:func:`kindred.bookings.relationships.clients_of`) reads the results of the
  questionnaires *they* assigned — the default declared in
  :data:`kindred.consent.visibility.THERAPIST_ASSIGNED_QUESTIONNAIRES`, which the member
  can switch off — (:func:`access_client_results`), every read audited here.
  Questionnaires the member took on their own reach a therapist only through a grant.
* Someone the member chose to share their results with — a peer supporter, a
  facilitator — sees the trend (dates, totals, bands; never the answers) through a
  consent grant with the ``measure_trends`` scope (:func:`access_shared_trends`,
  checked by :mod:`kindred.consent.grants`, every read audited there).
* Nobody else: another therapist, moderators, peer supporters without a grant and staff
  get the same :class:`NotFound` as for a missing id. Staff see only de-identified
  aggregates (:mod:`kindred.measures.outcomes`).
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import HttpRequest

from kindred.accounts.models import User
from kindred.audit.actions import record_read
from kindred.bookings.relationships import clients_of
from kindred.consent.grants import MEASURE_TRENDS, access_shared
from kindred.consent.visibility import THERAPIST_ASSIGNED_QUESTIONNAIRES, is_on
from kindred.core.access import NotFound
from kindred.core.roles import Role
from kindred.measures.models import Assignment, Response


def visible_responses(user: User | AnonymousUser) -> QuerySet[Response]:
    """Responses ``user`` may read: their own."""
    if not user.is_authenticated:
        return Response.objects.none()
    return Response.objects.filter(member_id=user.pk)


def access_response(user: User | AnonymousUser, response_id: int) -> Response:
    """The response, or :class:`NotFound` — the same for "missing" and "not yours"."""
    try:
        response = visible_responses(user).filter(pk=int(response_id)).first()
    except (TypeError, ValueError):
        response = None
    if response is None:
        raise NotFound("response")
    return response


def access_client(therapist: User | AnonymousUser, member_id: int | str) -> User:
    """A member ``therapist`` currently treats (for assigning questionnaires).

    Shows nothing clinical, so it is not audited; :func:`access_client_results` is.
    """
    if not _is_therapist(therapist):
        raise NotFound("client")
    try:
        member = clients_of(therapist).filter(pk=int(member_id)).first()
    except (TypeError, ValueError):
        member = None
    if member is None:
        raise NotFound("client")
    return member


def access_client_results(
    user: User,
    member_id: int | str,
    *,
    request: HttpRequest | None = None,
    what: str = "questionnaire results",
) -> tuple[User, QuerySet[Response]]:
    """The member and the responses ``user`` may read of theirs, the read audited.

    Only a treating therapist gets responses themselves: those of the questionnaires
    they assigned, while the member leaves that default on (else :class:`NotFound`).
    Whoever the member shares ``measure_trends`` with (a therapist too) gets the trend
    alone through :func:`access_shared_trends`. Everyone else gets :class:`NotFound`,
    identical to a missing member.
    """
    member = access_client(user, member_id)
    if not is_on(member, THERAPIST_ASSIGNED_QUESTIONNAIRES):
        raise NotFound("client")
    record_read(actor=user, target=member, request=request, what=what)
    return member, Response.objects.filter(member_id=member.pk, assigned_by_id=user.pk)


TrendRow = tuple[str, int, datetime, int]


def access_shared_trends(
    user: User, member_id: int | str, *, request: HttpRequest | None = None, limit: int = 200
) -> tuple[User, list[TrendRow]]:
    """A member's results over time for someone they share ``measure_trends`` with.

    Only ``(instrument, response id, date, total)`` rows leave here, newest first and at
    most ``limit`` per instrument: the answers (PHQ-9 item 9, say) are never part of a
    shared trend. Without a live grant — none, expired or revoked — :class:`NotFound`,
    as for a missing member; with one, the read is audited by the grant check.
    """
    member = access_shared(
        user, member_id, MEASURE_TRENDS, request=request, what="questionnaire trends"
    )
    rows: list[TrendRow] = []
    kept: dict[str, int] = {}
    for row in (
        Response.objects.filter(member_id=member.pk)
        .order_by("-created_at", "-id")
        .values_list("instrument_id", "id", "created_at", "total")
    ):
        if kept.get(row[0], 0) < limit:
            kept[row[0]] = kept.get(row[0], 0) + 1
            rows.append(row)
    return member, rows


def access_assignment(therapist: User, assignment_id: int | str) -> Assignment:
    """An active assignment the therapist made for a client they still treat."""
    try:
        assignment = (
            Assignment.objects.select_related("member")
            .filter(pk=int(assignment_id), therapist_id=therapist.pk)
            .first()
        )
    except (TypeError, ValueError):
        assignment = None
    if assignment is None:
        raise NotFound("assignment")
    access_client(therapist, assignment.member_id)
    return assignment


def _is_therapist(user: User | AnonymousUser) -> TypeGuard[User]:
    return user.is_authenticated and user.has_role(Role.THERAPIST)
