"""``/staff/outcomes/``: the organisation's de-identified outcome aggregates (role and
second factor checked by ``RoleMFAMiddleware``). Counts only, small cells suppressed."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kindred.core.http import AuthedHttpRequest
from kindred.measures.outcomes import GROUPS, MIN_CELL, get_outcome_rows


@require_GET
def outcomes(request: AuthedHttpRequest) -> HttpResponse:
    rows = get_outcome_rows()
    groups = [
        {"key": key, "label": label, "rows": [r for r in rows if r.group == key]}
        for key, label in GROUPS
    ]
    return render(request, "measures/staff_outcomes.html", {"groups": groups, "min_cell": MIN_CELL})
