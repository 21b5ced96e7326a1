"""What a grantee sees of a member, one function per scope.

Each function checks the grant itself (through :mod:`kindred.consent.grants`, which
audits the use), so a caller cannot show a scope it was not given by forgetting a check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest

from kindred.accounts.models import User
from kindred.consent.grants import (
    GROUP_ATTENDANCE,
    MEASURE_TRENDS,
    PLAN_GOALS,
    SAFETY_PLAN,
    access_shared,
    access_sharing_member,
)
from kindred.consent.sources import TimelineItem, timeline_of_kind
from kindred.measures.access import access_shared_trends
from kindred.measures.charts import Chart, TrendPoint, build_chart, trend_points
from kindred.measures.definitions import InstrumentDefinition, get_library
from kindred.plans.models import PlanVersion
from kindred.safety.models import SAFETY_PLAN_SECTIONS, SafetyPlan


@dataclass(frozen=True)
class TrendSection:
    definition: InstrumentDefinition
    points: list[TrendPoint]
    rows: list[TrendPoint]  # newest first, for the table
    chart: Chart
    has_rci: bool


def measure_trends(
    viewer: User, member_id: int | str, *, request: HttpRequest | None = None
) -> list[TrendSection]:
    _member, rows = access_shared_trends(viewer, member_id, request=request)
    by_instrument: dict[str, list[tuple[int, datetime, int]]] = {}
    for instrument_id, pk, created_at, total in rows:
        by_instrument.setdefault(instrument_id, []).append((pk, created_at, total))
    sections = []
    for instrument_id, definition in get_library().items():
        if instrument_id not in by_instrument:
            continue
        points = trend_points(definition, by_instrument[instrument_id])
        sections.append(
            TrendSection(
                definition=definition,
                points=points,
                rows=list(reversed(points)),
                chart=build_chart(definition, points),
                has_rci=definition.reliable_change is not None,
            )
        )
    return sections


@dataclass(frozen=True)
class PlanGoals:
    therapist: str
    version: int
    goals: list[str]


def plan_goals(
    viewer: User, member_id: int | str, *, request: HttpRequest | None = None
) -> list[PlanGoals]:
    """The goals of each plan's latest version — not problems, interventions, the
    summary or comments."""
    member = access_shared(viewer, member_id, PLAN_GOALS, request=request, what="plan goals")
    latest: dict[int, PlanVersion] = {}
    for version in (
        PlanVersion.objects.filter(plan__member=member)
        .select_related("plan__therapist")
        .order_by("plan_id", "-number")
    ):
        latest.setdefault(version.plan_id, version)
    return [
        PlanGoals(
            therapist=v.plan.therapist.handle,
            version=v.number,
            goals=[goal.text for problem in v.parsed.problems for goal in problem.goals],
        )
        for v in latest.values()
    ]


def group_attendance(
    viewer: User, member_id: int | str, *, request: HttpRequest | None = None
) -> list[TimelineItem]:
    member = access_shared(
        viewer, member_id, GROUP_ATTENDANCE, request=request, what="group attendance"
    )
    return timeline_of_kind(member, "group")


def safety_plan(
    viewer: User, member_id: int | str, *, request: HttpRequest | None = None
) -> tuple[list[tuple[str, str, list[str]]], str] | None:
    """The sections (key, title, items) and reasons for living, or None if unwritten."""
    member = access_shared(viewer, member_id, SAFETY_PLAN, request=request, what="safety plan")
    plan = SafetyPlan.objects.filter(owner=member).first()
    if plan is None:
        return None
    return (
        [(key, title, plan.items(key)) for key, title, _help in SAFETY_PLAN_SECTIONS],
        plan.reasons_for_living,
    )


SafetyPlanSections = tuple[list[tuple[str, str, list[str]]], str]


@dataclass(frozen=True)
class SharedView:
    """What ``viewer`` may see of one member now: a section is None unless it is shared."""

    member: User
    scopes: set[str]
    trends: list[TrendSection] | None
    plans: list[PlanGoals] | None
    groups: list[TimelineItem] | None
    safety_shared: bool
    safety: SafetyPlanSections | None  # None also when shared but not written yet


def shared_view(
    viewer: User, member_id: int | str, *, request: HttpRequest | None = None
) -> SharedView:
    """Every section the member shares with ``viewer``, and only those; each read is
    audited by its own function. Nothing shared (or no such member): ``NotFound``."""
    member, scopes = access_sharing_member(viewer, member_id)
    trends = (
        measure_trends(viewer, member.pk, request=request) if MEASURE_TRENDS in scopes else None
    )
    plans = plan_goals(viewer, member.pk, request=request) if PLAN_GOALS in scopes else None
    groups = (
        group_attendance(viewer, member.pk, request=request) if GROUP_ATTENDANCE in scopes else None
    )
    shares_safety = SAFETY_PLAN in scopes
    return SharedView(
        member=member,
        scopes=scopes,
        trends=trends,
        plans=plans,
        groups=groups,
        safety_shared=shares_safety,
        safety=safety_plan(viewer, member.pk, request=request) if shares_safety else None,
    )
