"""The organisation's outcomes: de-identified PHQ-9 / GAD-7 paired-outcome aggregates.

A member counts once per measure when they have at least two responses to it: their
first is compared with their latest (NHS Talking Therapies "paired" outcomes; thresholds
from the definitions' ``talking_therapies``). Members are split by service:

* ``therapy``: the member has any booking with a therapist;
* ``peer_only``: no bookings at all.

A "both" group (therapy plus peer connections or groups) needs peer connections and
groups, which do not exist yet; the page says so rather than inventing it.

Small cells are suppressed: any count under :data:`MIN_CELL` is shown as "fewer than
10", and so is every rate whose numerator or denominator is under it. Nothing here
returns anything about a single member: the one query reads member ids only to pair
first and latest scores and is reduced to counts before it leaves this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Subquery

from kindred.bookings.models import Booking
from kindred.measures.definitions import get_definition
from kindred.measures.models import Response
from kindred.measures.statistics import talking_therapies_outcome

# Fixed, not a setting: lowering it would make the dashboard identifying.
MIN_CELL = 10
SUPPRESSED = f"fewer than {MIN_CELL}"

GROUPS = (("therapy", "Therapy (any booking)"), ("peer_only", "Peer support only (no bookings)"))
MEASURES = (
    ("phq9", "PHQ-9 (depression)"),
    ("gad7", "GAD-7 (anxiety)"),
    ("tt", "PHQ-9 and GAD-7 together (NHS Talking Therapies)"),
)
PAIRED = ("phq9", "gad7")


@dataclass
class Tally:
    members: int = 0
    case_at_start: int = 0
    improved: int = 0
    deteriorated: int = 0
    recovered: int = 0
    reliably_recovered: int = 0

    def add(
        self, *, case: bool, improved: bool, deteriorated: bool, recovered: bool | None, rr: bool
    ) -> None:
        self.members += 1
        self.case_at_start += case
        self.improved += improved
        self.deteriorated += deteriorated
        self.recovered += bool(recovered)
        self.reliably_recovered += rr


@dataclass(frozen=True)
class Cell:
    """A count (and a percentage) as it may be shown: ``None`` means suppressed."""

    count: int | None
    percent: int | None = None

    @property
    def label(self) -> str:
        return SUPPRESSED if self.count is None else str(self.count)

    @property
    def percent_label(self) -> str:
        return "suppressed" if self.percent is None else f"{self.percent}%"


def _cell(count: int, of: int | None = None) -> Cell:
    if count < MIN_CELL:
        return Cell(None)
    if of is None:
        return Cell(count)
    if of < MIN_CELL:
        return Cell(count, None)
    return Cell(count, round(100 * count / of))


@dataclass(frozen=True)
class OutcomeRow:
    group: str
    group_label: str
    measure: str
    measure_label: str
    members: Cell
    case_at_start: Cell
    improved: Cell
    deteriorated: Cell
    recovered: Cell
    reliably_recovered: Cell


def _shown(group: str, measure: str, tally: Tally) -> OutcomeRow:
    return OutcomeRow(
        group=group,
        group_label=dict(GROUPS)[group],
        measure=measure,
        measure_label=dict(MEASURES)[measure],
        members=_cell(tally.members),
        case_at_start=_cell(tally.case_at_start, tally.members),
        improved=_cell(tally.improved, tally.members),
        deteriorated=_cell(tally.deteriorated, tally.members),
        # Recovery is a rate among those who were a case at the start.
        recovered=_cell(tally.recovered, tally.case_at_start),
        reliably_recovered=_cell(tally.reliably_recovered, tally.case_at_start),
    )


def paired_scores() -> list[tuple[int, str, int, int, bool]]:
    """``(member_id, instrument, first total, latest total, in therapy)`` per member with
    at least two PHQ-9 or GAD-7 responses. One aggregate query; stays in this module."""
    same = Response.objects.filter(
        member_id=OuterRef("member_id"), instrument_id=OuterRef("instrument_id")
    )
    return list(
        Response.objects.filter(instrument_id__in=PAIRED)
        .order_by()
        .values("member_id", "instrument_id")
        .annotate(
            n=Count("id"),
            first_total=Subquery(same.order_by("created_at", "id").values("total")[:1]),
            last_total=Subquery(same.order_by("-created_at", "-id").values("total")[:1]),
            in_therapy=Exists(Booking.objects.filter(member_id=OuterRef("member_id"))),
        )
        .filter(n__gte=2)
        .values_list("member_id", "instrument_id", "first_total", "last_total", "in_therapy")
    )


def tally(rows: Iterable[tuple[int, str, int, int, bool]]) -> dict[tuple[str, str], Tally]:
    """Counts per (group, measure) from :func:`paired_scores` rows (pure)."""
    tallies = {(g, m): Tally() for g, _ in GROUPS for m, _ in MEASURES}
    pairs: dict[int, dict[str, tuple[int, int]]] = {}
    groups: dict[int, str] = {}
    for member_id, instrument, first, last, in_therapy in rows:
        pairs.setdefault(member_id, {})[instrument] = (first, last)
        groups[member_id] = "therapy" if in_therapy else "peer_only"
    for member_id, measures in pairs.items():
        group = groups[member_id]
        for instrument, (first, last) in measures.items():
            tt = get_definition(instrument).talking_therapies
            assert tt is not None  # PHQ-9 and GAD-7 both carry the thresholds
            case = first >= tt.caseness
            improved = first - last >= tt.reliable_change
            recovered = (last < tt.caseness) if case else None
            tallies[group, instrument].add(
                case=case,
                improved=improved,
                deteriorated=last - first >= tt.reliable_change,
                recovered=recovered,
                rr=bool(recovered) and improved,
            )
        if len(measures) == len(PAIRED):
            outcome = talking_therapies_outcome(phq9=measures["phq9"], gad7=measures["gad7"])
            tallies[group, "tt"].add(
                case=outcome.case_at_start,
                improved=outcome.reliable_improvement,
                deteriorated=outcome.reliable_deterioration,
                recovered=outcome.recovery,
                rr=bool(outcome.reliable_recovery),
            )
    return tallies


def get_outcome_rows() -> list[OutcomeRow]:
    """The dashboard's rows, small cells already suppressed."""
    tallies = tally(paired_scores())
    return [_shown(g, m, tallies[g, m]) for g, _ in GROUPS for m, _ in MEASURES]
