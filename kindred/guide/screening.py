"""Brief screening inside the guide, scored by the measures library.

PHQ-2 → PHQ-9 when the PHQ-2 is 3 or more, GAD-2 → GAD-7 when the GAD-2 is 3 or more,
AUDIT-C → the full AUDIT when the AUDIT-C is positive. The follow-up repeats the short
screen's items (they are the same questions), so the pages ask only the rest and copy
the first answers across. Only instruments the organisation may use
(:mod:`kindred.measures.availability`) are asked or scored. Nothing here stores anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kindred.guide.questions import FOLLOW_UPS, SCREENING_INSTRUMENTS
from kindred.measures.availability import available_instruments
from kindred.measures.definitions import InstrumentDefinition
from kindred.measures.scoring import ScoringError, score

# The published cut-points that trigger a follow-up or decide a step; the instrument
# files carry the same numbers and their sources, tests/guide/test_screening.py checks
# they agree.
PHQ2_POSITIVE = 3
GAD2_POSITIVE = 3
AUDITC_POSITIVE = {"women": 3, "men": 4, "unsure": 3}


@dataclass(frozen=True)
class Scored:
    instrument: str
    name: str
    total: int
    max: int
    band: str
    band_label: str
    critical: bool
    prorated: bool


def available_screening() -> dict[str, InstrumentDefinition]:
    """The guide's instruments this organisation may use, by id (one query)."""
    return {d.id: d for d in available_instruments() if d.id in SCREENING_INSTRUMENTS}


class ScreeningError(ValueError):
    def __init__(self, instrument: str, message: str) -> None:
        super().__init__(message)
        self.instrument = instrument


def score_screening(
    answers: Mapping[Any, Mapping[str, int]],
    available: Mapping[str, InstrumentDefinition],
) -> dict[str, Scored]:
    """Score every instrument that has answers; raise :class:`ScreeningError` naming the
    first that cannot be scored or is not available here."""
    scores: dict[str, Scored] = {}
    for instrument in SCREENING_INSTRUMENTS:
        given = answers.get(instrument)
        if not given:
            continue
        definition = available.get(instrument)
        if definition is None:
            raise ScreeningError(instrument, f"The {instrument} questionnaire is not offered here.")
        try:
            result = score(definition, dict(given))
        except ScoringError as exc:
            raise ScreeningError(instrument, str(exc)) from None
        scores[instrument] = Scored(
            instrument=definition.id,
            name=definition.name,
            total=result.total,
            max=definition.scoring.max,
            band=result.band.key,
            band_label=result.band.label,
            critical=bool(result.critical_items_triggered),
            prorated=result.prorated,
        )
    return scores


def short_screen_positive(instrument: str, total: int, auditc_cutoff: str = "unsure") -> bool:
    if instrument == "phq2":
        return total >= PHQ2_POSITIVE
    if instrument == "gad2":
        return total >= GAD2_POSITIVE
    if instrument == "auditc":
        return total >= AUDITC_POSITIVE.get(auditc_cutoff, AUDITC_POSITIVE["unsure"])
    return False


def follow_ups_due(
    scores: Mapping[str, Scored],
    available: Mapping[str, InstrumentDefinition],
    auditc_cutoff: str = "unsure",
) -> list[str]:
    """Follow-up instruments to ask next, given the short screens' scores."""
    due = []
    for short, follow_up in FOLLOW_UPS.items():
        scored = scores.get(short)
        if (
            scored is not None
            and follow_up in available
            and short_screen_positive(short, scored.total, auditc_cutoff)
        ):
            due.append(follow_up)
    return due
