"""What the member's questionnaire pages and ``/api/v1/measures/...`` read: their own
results and trends, as rows.

Both faces call these, so "a member reads only their own results"
(:func:`kindred.measures.access.visible_responses`) and how a result reads (the band's
label from the instrument's definition) are applied once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kindred.measures.access import visible_responses
from kindred.measures.charts import TrendPoint, trend_points
from kindred.measures.definitions import InstrumentDefinition, get_library
from kindred.measures.models import Response

if TYPE_CHECKING:
    from kindred.accounts.models import User


@dataclass(frozen=True, slots=True)
class ResultRow:
    id: int
    instrument: str
    name: str | None  # the instrument's name; None when it is no longer shipped
    total: int
    band: str
    band_label: str
    prorated: bool
    created_at: datetime


def band_label(definition: InstrumentDefinition | None, key: str) -> str:
    """The band's words from the definition; the stored key when there are none."""
    if definition is None:
        return key
    return next((band.label for band in definition.bands.ranges if band.key == key), key)


def result_row(
    response: Response, library: dict[str, InstrumentDefinition] | None = None
) -> ResultRow:
    definition = (library or get_library()).get(response.instrument_id)
    return ResultRow(
        id=response.pk,
        instrument=response.instrument_id,
        name=definition.name if definition else None,
        total=response.total,
        band=response.band,
        band_label=band_label(definition, response.band),
        prorated=response.prorated,
        created_at=response.created_at,
    )


def results_of(user: User, *, instrument: str = "", limit: int | None = None) -> list[ResultRow]:
    """The user's own results, newest first; of one instrument when ``instrument`` is set."""
    responses = visible_responses(user).defer("answers")
    if instrument:
        responses = responses.filter(instrument_id=instrument)
    if limit is not None:
        responses = responses[:limit]
    library = get_library()
    return [result_row(r, library) for r in responses]


def trend_of(
    user: User, definition: InstrumentDefinition, *, limit: int | None = None
) -> list[TrendPoint]:
    """The user's own results of one instrument over time, oldest first; with ``limit``,
    the latest that many."""
    rows = (
        visible_responses(user)
        .filter(instrument_id=definition.id)
        .order_by("-created_at", "-id")
        .values_list("id", "created_at", "total")
    )
    return trend_points(definition, list(rows if limit is None else rows[:limit]))
