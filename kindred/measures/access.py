"""Who may read questionnaire responses. The one place these rules live.

* The member who answered reads their own (:func:`visible_responses`,
  :func:`access_response`).
* A therapist reads the results of a member they currently treat
  (:func:`access_client_results`; :func:`kindred.bookings.relationships.clients_of`),
  and every such read is audited with ``record_read`` here.
* Nobody else: another therapist, moderators, peer supporters and staff get the same
  :class:`NotFound` as for a missing id. Staff see only de-identified aggregates
  (:mod:`kindred.measures.outcomes`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kindred.accounts.models import User
from kindred.accounts.roles import Role
from kindred.audit.actions import record_read
from kindred.bookings.relationships import clients_of
from kindred.core.access import NotFound
from kindred.measures.models import Assignment, Response


def visible_responses(user: Any) -> QuerySet[Response]:
    """Responses ``user`` may read: their own."""
    if not getattr(user, "is_authenticated", False):
        return Response.objects.none()
    return Response.objects.filter(member_id=user.pk)


def access_response(user: Any, response_id: int) -> Response:
    """The response, or :class:`NotFound` — the same for "missing" and "not yours"."""
    try:
        response = visible_responses(user).filter(pk=int(response_id)).first()
    except (TypeError, ValueError):
        response = None
    if response is None:
        raise NotFound("response")
    return response


def access_client(therapist: Any, member_id: Any) -> User:
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
    user: Any, member_id: Any, *, request: Any = None, what: str = "questionnaire results"
) -> tuple[User, QuerySet[Response]]:
    """The member and the responses ``user`` may read of theirs, the read audited.

    Today only a treating therapist gets anything. Peer supporters never see results by
    default: when the care capability brings consent grants ("share my PHQ-9 with my
    peer supporter"), the grant check plugs in here — look the grant up for
    ``(member, user)``, narrow the queryset to the granted instruments, and keep the
    ``record_read`` below so those reads are audited the same way. Until then a peer
    supporter, like everyone else who is not the treating therapist, gets
    :class:`NotFound`, identical to a missing member.
    """
    member = access_client(user, member_id)
    record_read(actor=user, target=member, request=request, what=what)
    return member, Response.objects.filter(member_id=member.pk)


def access_assignment(therapist: Any, assignment_id: Any) -> Assignment:
    """An active assignment the therapist made for a client they still treat."""
    try:
        assignment = (
            Assignment.objects.select_related("member")
            .filter(pk=int(assignment_id), therapist_id=getattr(therapist, "pk", None))
            .first()
        )
    except (TypeError, ValueError):
        assignment = None
    if assignment is None:
        raise NotFound("assignment")
    access_client(therapist, assignment.member_id)
    return assignment


def _is_therapist(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.THERAPIST)
