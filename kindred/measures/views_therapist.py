"""Therapist pages under ``/therapist/measures/`` (role and second factor checked by
``RoleMFAMiddleware``): assign questionnaires to clients, read a client's results.

Every client and result goes through :mod:`kindred.measures.access` (treating therapist
only, reads audited); every change through :mod:`kindred.measures.actions`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.accounts.models import User
from kindred.bookings.relationships import clients_of
from kindred.core.http import AuthedHttpRequest
from kindred.measures import actions
from kindred.measures.access import access_client_results
from kindred.measures.availability import available_instruments
from kindred.measures.charts import build_chart, trend_points
from kindred.measures.definitions import get_library
from kindred.measures.forms import AssignForm
from kindred.measures.models import Assignment
from kindred.measures.statistics import reliable_change, talking_therapies_outcome
from kindred.measures.views import HISTORY_LIMIT

UNPROCESSABLE = 422


def _index(request: AuthedHttpRequest, form: AssignForm | None = None) -> HttpResponse:
    clients = list(clients_of(request.user))
    if form is None:
        form = _assign_form(clients)
    assignments = (
        Assignment.objects.filter(therapist=request.user, member__in=clients, active=True)
        .select_related("member")
        .order_by("member__handle", "instrument_id")
    )
    library = get_library()
    return render(
        request,
        "measures/therapist_index.html",
        {
            "clients": clients,
            "form": form,
            "assignments": [(a, library.get(a.instrument_id)) for a in assignments],
        },
        status=UNPROCESSABLE if form.is_bound else 200,
    )


def _assign_form(clients: list[User], data: Any = None) -> AssignForm:
    return AssignForm(
        data,
        clients=[(c.pk, c.handle) for c in clients],
        instruments=[(d.id, d.name) for d in available_instruments()],
    )


@require_GET
def index(request: AuthedHttpRequest) -> HttpResponse:
    return _index(request)


@require_POST
def assign(request: AuthedHttpRequest) -> HttpResponse:
    form = _assign_form(list(clients_of(request.user)), request.POST)
    if not form.is_valid():
        return _index(request, form)
    try:
        actions.do_assign_measure(
            request.user,
            form.cleaned_data["member"],
            form.cleaned_data["instrument"],
            every_days=form.cleaned_data["every_days"],
            before_sessions=form.cleaned_data["before_sessions"],
            request=request,
        )
    except actions.AssignmentError as error:
        form.add_error(None, str(error))
        return _index(request, form)
    messages.success(request, _("Questionnaire assigned. Your client will be reminded when due."))
    return redirect("therapist_measures")


@require_POST
def stop(request: AuthedHttpRequest, assignment_id: int) -> HttpResponse:
    actions.do_stop_assignment(request.user, assignment_id, request=request)
    messages.success(request, _("Assignment stopped."))
    return redirect("therapist_measures")


@require_http_methods(["GET"])
def client(request: AuthedHttpRequest, member_id: int) -> HttpResponse:
    member, responses = access_client_results(request.user, member_id, request=request)
    rows: dict[str, list[tuple[int, Any, int]]] = {}
    for instrument_id, pk, created_at, total in responses.order_by(
        "-created_at", "-id"
    ).values_list("instrument_id", "id", "created_at", "total"):
        kept = rows.setdefault(instrument_id, [])
        if len(kept) < HISTORY_LIMIT:
            kept.append((pk, created_at, total))
    library = get_library()
    sections = []
    firsts_lasts: dict[str, tuple[int, int]] = {}
    for instrument_id, definition in library.items():
        if instrument_id not in rows:
            continue
        points = trend_points(definition, rows[instrument_id])
        overall = None
        if len(points) >= 2:
            first, last = points[0].total, points[-1].total
            firsts_lasts[instrument_id] = (first, last)
            if definition.reliable_change is not None:
                overall = reliable_change(definition, first, last)
        sections.append(
            {
                "definition": definition,
                "points": points,
                "rows": list(reversed(points)),
                "chart": build_chart(definition, points),
                "has_rci": definition.reliable_change is not None,
                "overall": overall,
            }
        )
    outcome = None
    if "phq9" in firsts_lasts and "gad7" in firsts_lasts:
        outcome = talking_therapies_outcome(phq9=firsts_lasts["phq9"], gad7=firsts_lasts["gad7"])
    return render(
        request,
        "measures/therapist_client.html",
        {
            "member": member,
            "sections": sections,
            "outcome": outcome,
            "assignments": Assignment.objects.filter(
                therapist=request.user, member=member, active=True
            ),
        },
    )


@require_http_methods(["GET"])
def client_export(request: AuthedHttpRequest, member_id: int) -> HttpResponse:
    """A client's results as FHIR, for the treating therapist (the read and export audited)."""
    from kindred.measures.actions import do_export_responses
    from kindred.measures.views import fhir_download

    member, responses = access_client_results(
        request.user, member_id, request=request, what="FHIR export"
    )
    bundle = do_export_responses(member, actor=request.user, responses=responses, request=request)
    return fhir_download(bundle, filename=f"kindred-client-{member.pk}.fhir.json")
