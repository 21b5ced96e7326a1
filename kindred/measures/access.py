"""Who may read questionnaire responses. The one place these rules live.

For now only the member who answered may read a response. When therapist access (their
own clients) and consent grants arrive, they belong in :func:`access_response` and
:func:`visible_responses`, and every read by anyone other than the owner must call
``kindred.audit.actions.record_read(actor=user, target=response)`` here, in the
function that hands the response over — there are no such reads yet.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kindred.core.access import NotFound
from kindred.measures.models import Response


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
