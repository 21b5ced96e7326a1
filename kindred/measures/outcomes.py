"""The organisation's outcomes: de-identified PHQ-9 / GAD-7 paired-outcome aggregates.

A member counts once per measure when they have at least two responses to it: their
first is compared with their latest (NHS Talking Therapies "paired" outcomes; thresholds
from the definitions' ``talking_therapies``). Members are split by the services they use,
as the apps report them through :func:`kindred.consent.sources.members_by_service` (one
query per registered source, whatever the number of members):

* therapy: the member has (had) a treating therapist — an attended session or a booked
  one to come (bookings);
* peer support: the member attended a group or has a peer connection (groups, peers);
* ``therapy_only``, ``peer_only``, ``both``, and ``neither`` for members who use only
  the community spaces and check-ins.

Small cells are suppressed: any count under :data:`MIN_CELL` is shown as "fewer than
10", and so is every rate whose numerator or denominator is under it. Nothing here
returns anything about a single member: the one query reads member ids only to pair
first and latest scores and is reduced to counts before it leaves this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Subquery

from kindred.consent.sources import SERVICE_PEER_SUPPORT, SERVICE_THERAPY, members_by_service
from kindred.measures.definitions import get_definition
from kindred.measures.models import Response
from kindred.measures.statistics import talking_therapies_outcome

# Fixed, not a setting: lowering it would make the dashboard identifying.
MIN_CELL = 10
SUPPRESSED = f"fewer than {MIN_CELL}"

GROUPS = (
    ("peer_only", "Peer support only (groups or a peer connection, no therapy)"),
    ("therapy_only", "Therapy only (no groups or peer connection)"),
    ("both", "Therapy and peer support"),
    ("neither", "Neither (community spaces and check-ins only)"),
)
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


Paired = tuple[int, str, int, int]


def paired_scores() -> list[Paired]:
    """``(member_id, instrument, first total, latest total)`` per member with at least two
    PHQ-9 or GAD-7 responses. One aggregate query; stays in this module."""
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
        )
        .filter(n__gte=2)
        .values_list("member_id", "instrument_id", "first_total", "last_total")
    )


def service_group(member_id: int, services: dict[str, set[int]]) -> str:
    therapy = member_id in services.get(SERVICE_THERAPY, set())
    peer = member_id in services.get(SERVICE_PEER_SUPPORT, set())
    if therapy and peer:
        return "both"
    if therapy:
        return "therapy_only"
    return "peer_only" if peer else "neither"


def tally(rows: Iterable[Paired], services: dict[str, set[int]]) -> dict[tuple[str, str], Tally]:
    """Counts per (group, measure) from :func:`paired_scores` rows and the member ids per
    service (pure)."""
    tallies = {(g, m): Tally() for g, _ in GROUPS for m, _ in MEASURES}
    pairs: dict[int, dict[str, tuple[int, int]]] = {}
    for member_id, instrument, first, last in rows:
        pairs.setdefault(member_id, {})[instrument] = (first, last)
    for member_id, measures in pairs.items():
        group = service_group(member_id, services)
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
    tallies = tally(paired_scores(), members_by_service())
    return [_shown(g, m, tallies[g, m]) for g, _ in GROUPS for m, _ in MEASURES]
