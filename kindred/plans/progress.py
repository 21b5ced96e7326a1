"""Progress on a plan's objectives, and its Goal Attainment Scaling T-score.

Measure-linked objectives read the member's questionnaire totals (in clear on
:class:`kindred.measures.models.Response`); count objectives use the latest value the
therapist recorded. Two queries per plan whatever its size.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from kindred.consent.visibility import THERAPIST_ASSIGNED_QUESTIONNAIRES, is_on
from kindred.measures.definitions import get_definition
from kindred.measures.models import Response
from kindred.measures.statistics import GAS_LEVELS, GAS_RHO, Goal, gas_t_score
from kindred.plans.content import Objective, PlanContent, plain_target
from kindred.plans.models import EntryKind, ObjectiveEntry, TreatmentPlan

ATTAINMENT_LEVELS = GAS_LEVELS
# Results shown in an objective's trend, newest last.
TREND_LENGTH = 6
SPARK_WIDTH, SPARK_HEIGHT = 120, 32


@dataclass(frozen=True)
class ObjectiveProgress:
    objective: Objective
    target: str
    # The latest total (measure) or recorded count; None when there is none yet.
    current: int | None
    current_at: datetime | None
    met: bool | None
    trend: tuple[int, ...]
    # SVG polyline points for the trend, scaled to SPARK_WIDTH × SPARK_HEIGHT.
    spark: str
    attainment: int | None
    overdue: bool


@dataclass(frozen=True)
class PlanProgress:
    objectives: tuple[ObjectiveProgress, ...]
    # None until at least one objective has an attainment score.
    gas_t: float | None
    scored: int


def sparkline(values: tuple[int, ...], low: int, high: int) -> str:
    if len(values) < 2 or high <= low:
        return ""
    step = SPARK_WIDTH / (len(values) - 1)
    return " ".join(
        f"{round(i * step, 1)},{round(SPARK_HEIGHT - (v - low) / (high - low) * SPARK_HEIGHT, 1)}"
        for i, v in enumerate(values)
    )


def plan_gas_t_score(attainments: list[int]) -> float | None:
    """Kiresuk–Sherman T (ρ = 0.3, equal weights) over the scored objectives."""
    if not attainments:
        return None
    return gas_t_score([Goal(attainment=a) for a in attainments], rho=GAS_RHO)


def get_progress(
    plan: TreatmentPlan, content: PlanContent, today: date, *, for_therapist: bool = False
) -> PlanProgress:
    """``for_therapist``: the plan's therapist is looking, and sees the results of the
    questionnaires they assigned only, as :mod:`kindred.consent.visibility` declares —
    none once the member switched that off."""
    objectives = list(content.objectives())
    instruments = {o.measure.instrument for o in objectives if o.measure is not None}
    totals: dict[str, list[tuple[datetime, int]]] = defaultdict(list)
    if for_therapist and not is_on(plan.member_id, THERAPIST_ASSIGNED_QUESTIONNAIRES):
        instruments = set()
    if instruments:
        responses = Response.objects.filter(member_id=plan.member_id, instrument_id__in=instruments)
        if for_therapist:
            responses = responses.filter(assigned_by_id=plan.therapist_id)
        rows = responses.order_by("created_at", "id").values_list(
            "instrument_id", "created_at", "total"
        )
        for instrument_id, created_at, total in rows:
            totals[instrument_id].append((created_at, total))
    latest: dict[tuple[int, str], ObjectiveEntry] = {}
    for entry in ObjectiveEntry.objects.filter(plan=plan).order_by("recorded_at", "id"):
        latest[(entry.objective_key, entry.kind)] = entry
    items = []
    for o in objectives:
        current: int | None = None
        current_at: datetime | None = None
        trend: tuple[int, ...] = ()
        spark = ""
        met: bool | None = None
        if o.measure is not None:
            history = totals.get(o.measure.instrument, [])
            trend = tuple(total for _, total in history[-TREND_LENGTH:])
            if history:
                current_at, current = history[-1]
                met = o.measure.op.holds(current, o.measure.value)
                scale = get_definition(o.measure.instrument).scoring
                spark = sparkline(trend, scale.min, scale.max)
        else:
            assert o.count is not None
            recorded = latest.get((o.key, EntryKind.VALUE))
            if recorded is not None:
                current, current_at = int(recorded.value), recorded.recorded_at
                met = o.count.op.holds(current, o.count.value)
        scored = latest.get((o.key, EntryKind.ATTAINMENT))
        items.append(
            ObjectiveProgress(
                objective=o,
                target=plain_target(o),
                current=current,
                current_at=current_at,
                met=met,
                trend=trend,
                spark=spark,
                attainment=int(scored.value) if scored is not None else None,
                overdue=met is not True and o.target_date < today,
            )
        )
    attainments = [p.attainment for p in items if p.attainment is not None]
    return PlanProgress(
        objectives=tuple(items), gas_t=plan_gas_t_score(attainments), scored=len(attainments)
    )
