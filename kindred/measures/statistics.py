"""Change between two scores: reliable change, NHS Talking Therapies outcomes, GAS.

Pure functions over totals; every threshold comes from the instrument definition (with
its source) or is a named constant below with its citation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from kindred.measures.definitions import Direction, InstrumentDefinition, get_definition

# Two-tailed 95%: Jacobson NS, Truax P. Clinical significance: a statistical approach to
# defining meaningful change in psychotherapy research. J Consult Clin Psychol
# 1991;59(1):12-19.
RELIABLE_Z = 1.96

# Response = at least a 50% reduction from the first score; remission = PHQ-9 below 5.
# Kroenke K, Spitzer RL, Williams JBW. J Gen Intern Med 2001;16:606-613 (remission < 5);
# Löwe B, Unützer J, Callahan CM, Perkins AJ, Kroenke K. Monitoring depression treatment
# outcomes with the Patient Health Questionnaire-9. Med Care 2004;42(12):1194-1201.
RESPONSE_FRACTION = Fraction(1, 2)
PHQ9_REMISSION_BELOW = 5

# Kiresuk TJ, Sherman RE. Goal attainment scaling: a general method for evaluating
# comprehensive community mental health programs. Community Ment Health J 1968;4:443-453.
GAS_RHO = 0.3
GAS_LEVELS = range(-2, 3)


class StatisticsError(ValueError):
    pass


@dataclass(frozen=True)
class ReliableChange:
    change: int
    se_diff: float
    rci: float
    reliable: bool
    improved: bool
    deteriorated: bool


def _check_total(definition: InstrumentDefinition, total: int) -> None:
    if not definition.scoring.min <= total <= definition.scoring.max:
        raise StatisticsError(
            f"{definition.name} totals run {definition.scoring.min}–{definition.scoring.max}; "
            f"got {total}."
        )


def se_difference(definition: InstrumentDefinition) -> float:
    """SEdiff = SD · √2 · √(1 − r), from the definition's stored SD and reliability."""
    params = definition.reliable_change
    if params is None:
        raise StatisticsError(
            f"{definition.name} has no stored reliability and SD, so reliable change "
            f"cannot be computed for it."
        )
    return params.sd * math.sqrt(2) * math.sqrt(1 - params.reliability)


def reliable_change(definition: InstrumentDefinition, before: int, after: int) -> ReliableChange:
    """Jacobson–Truax RCI = (after − before) / SEdiff; reliable when |RCI| > 1.96."""
    _check_total(definition, before)
    _check_total(definition, after)
    se_diff = se_difference(definition)
    change = after - before
    rci = change / se_diff
    reliable = abs(rci) > RELIABLE_Z
    better = rci < 0 if definition.direction == Direction.HIGHER_IS_WORSE else rci > 0
    return ReliableChange(
        change=change,
        se_diff=se_diff,
        rci=rci,
        reliable=reliable,
        improved=reliable and better,
        deteriorated=reliable and not better,
    )


@dataclass(frozen=True)
class TalkingTherapiesOutcome:
    """NHS Talking Therapies paired-outcome flags for one course of care.

    ``recovery`` and ``reliable_recovery`` are ``None`` when the person was not a case
    at the start: the service leaves them out of the recovery rate rather than counting
    them as "not recovered".
    """

    case_at_start: bool
    case_at_end: bool
    reliable_improvement: bool
    reliable_deterioration: bool
    recovery: bool | None
    reliable_recovery: bool | None


def _tt(instrument_id: str) -> tuple[InstrumentDefinition, int, int]:
    definition = get_definition(instrument_id)
    tt = definition.talking_therapies
    if tt is None:
        raise StatisticsError(f"{definition.name} has no NHS Talking Therapies thresholds.")
    return definition, tt.caseness, tt.reliable_change


def talking_therapies_outcome(
    *, phq9: tuple[int, int], gad7: tuple[int, int]
) -> TalkingTherapiesOutcome:
    """Classify first/last PHQ-9 and GAD-7 totals as NHS Talking Therapies does.

    Case: PHQ-9 ≥ 10 or GAD-7 ≥ 8. Reliable improvement: a drop of at least the
    measure's reliable-change value (PHQ-9 6, GAD-7 4) on either measure and no
    reliable increase on the other; reliable deterioration is the mirror image.
    Recovery: a case at the start and not at the end; reliable recovery: both.
    (Thresholds and sources in the phq9/gad7 definitions' ``talking_therapies``.)
    """
    measures = [(*_tt("phq9"), phq9), (*_tt("gad7"), gad7)]
    case_at_start = case_at_end = False
    improved = deteriorated = False
    for definition, caseness, change_needed, (first, last) in measures:
        _check_total(definition, first)
        _check_total(definition, last)
        case_at_start |= first >= caseness
        case_at_end |= last >= caseness
        improved |= first - last >= change_needed
        deteriorated |= last - first >= change_needed
    reliable_improvement = improved and not deteriorated
    reliable_deterioration = deteriorated and not improved
    recovery = (not case_at_end) if case_at_start else None
    return TalkingTherapiesOutcome(
        case_at_start=case_at_start,
        case_at_end=case_at_end,
        reliable_improvement=reliable_improvement,
        reliable_deterioration=reliable_deterioration,
        recovery=recovery,
        reliable_recovery=(recovery and reliable_improvement) if recovery is not None else None,
    )


def is_response(definition: InstrumentDefinition, first: int, last: int) -> bool:
    """At least a 50% reduction from ``first`` (symptom measures only)."""
    if definition.direction != Direction.HIGHER_IS_WORSE:
        raise StatisticsError(f"Response is defined for symptom measures, not {definition.name}.")
    _check_total(definition, first)
    _check_total(definition, last)
    if first == 0:
        return False
    return Fraction(first - last, first) >= RESPONSE_FRACTION


def is_phq9_remission(total: int) -> bool:
    _check_total(get_definition("phq9"), total)
    return total < PHQ9_REMISSION_BELOW


@dataclass(frozen=True)
class Goal:
    attainment: int  # −2 much less than expected … 0 expected … +2 much more than expected
    weight: float = 1.0


def gas_t_score(goals: Sequence[Goal], *, rho: float = GAS_RHO) -> float:
    """Kiresuk–Sherman T = 50 + 10·Σwᵢxᵢ / √((1−ρ)Σwᵢ² + ρ(Σwᵢ)²)."""
    if not goals:
        raise StatisticsError("A GAS T-score needs at least one goal.")
    for goal in goals:
        if goal.attainment not in GAS_LEVELS:
            raise StatisticsError(f"Goal attainment must be −2…+2, got {goal.attainment}.")
        if not goal.weight > 0:
            raise StatisticsError(f"Goal weights must be positive, got {goal.weight}.")
    if not 0 <= rho < 1:
        raise StatisticsError(f"ρ must be in [0, 1), got {rho}.")
    weighted = sum(goal.weight * goal.attainment for goal in goals)
    sum_sq = sum(goal.weight**2 for goal in goals)
    total_weight = sum(goal.weight for goal in goals)
    return 50 + 10 * weighted / math.sqrt((1 - rho) * sum_sq + rho * total_weight**2)
