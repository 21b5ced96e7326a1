"""Results over time: the trend points and the geometry of their SVG chart.

Pure functions, no database: the history page and the API feed them the member's
``(id, created_at, total)`` rows, oldest first. The template only draws what
:func:`build_chart` computed, so the picture and the table beside it come from the
same :class:`TrendPoint` list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from kindred.measures.definitions import Direction, InstrumentDefinition
from kindred.measures.statistics import reliable_change


@dataclass(frozen=True)
class TrendPoint:
    response_id: int
    created_at: datetime
    total: int
    band_key: str
    band_label: str
    # Change from the previous result; None for the first.
    change: int | None
    # None where there is no previous result or the instrument has no RCI parameters.
    reliable: bool | None
    improved: bool
    deteriorated: bool


def trend_points(
    definition: InstrumentDefinition, rows: Sequence[tuple[int, datetime, int]]
) -> list[TrendPoint]:
    """One point per ``(response_id, created_at, total)`` row, oldest first.

    Reliable change (Jacobson–Truax) is judged between consecutive results, and only
    when the definition stores a reliability and SD.
    """
    points: list[TrendPoint] = []
    previous: int | None = None
    for response_id, created_at, total in sorted(rows, key=lambda row: (row[1], row[0])):
        band = definition.band_for(total)
        change = None if previous is None else total - previous
        reliable: bool | None = None
        improved = deteriorated = False
        if previous is not None and definition.reliable_change is not None:
            rc = reliable_change(definition, previous, total)
            reliable, improved, deteriorated = rc.reliable, rc.improved, rc.deteriorated
        points.append(
            TrendPoint(
                response_id=response_id,
                created_at=created_at,
                total=total,
                band_key=band.key,
                band_label=band.label,
                change=change,
                reliable=reliable,
                improved=improved,
                deteriorated=deteriorated,
            )
        )
        previous = total
    return points


@dataclass(frozen=True)
class BandRect:
    key: str
    label: str
    x: float
    y: float
    width: float
    height: float
    # 0 (least concerning) … 1 (most): the template turns it into a shade.
    intensity: float

    @property
    def opacity(self) -> float:
        return round(0.06 + 0.3 * self.intensity, 2)


@dataclass(frozen=True)
class PlotPoint:
    x: float
    y: float
    point: TrendPoint


@dataclass(frozen=True)
class ChangeMarker:
    """A reliable change between two consecutive points, drawn at the later one."""

    x: float
    y: float
    kind: str  # "improved" or "deteriorated"
    label: str


@dataclass(frozen=True)
class Tick:
    value: str
    x: float
    y: float
    # SVG text-anchor: the first and last dates lean inwards so neither is cut off at an edge.
    anchor: str = "end"


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: float
    top: float
    right: float
    bottom: float
    bands: tuple[BandRect, ...]
    points: tuple[PlotPoint, ...]
    markers: tuple[ChangeMarker, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    polyline: str
    y_label: str
    x_label: str


MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56.0, 16.0, 16.0, 48.0


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y}"


def _round(value: float) -> float:
    return round(value, 1)


def build_chart(
    definition: InstrumentDefinition,
    points: Sequence[TrendPoint],
    *,
    width: int = 640,
    height: int = 320,
) -> Chart:
    """Geometry for the chart: y is the score (scale minimum at the bottom), x is time."""
    left, top = MARGIN_LEFT, MARGIN_TOP
    right, bottom = width - MARGIN_RIGHT, height - MARGIN_BOTTOM
    low, high = definition.scoring.min, definition.scoring.max
    span = high - low

    def y_for(value: float) -> float:
        return _round(bottom - (value - low) / span * (bottom - top))

    # Bands run from their min to max + 1 so adjacent rectangles meet without a gap.
    ordered = sorted(definition.bands.ranges, key=lambda band: band.min)
    if definition.direction == Direction.HIGHER_IS_BETTER:
        ordered_by_concern = list(reversed(ordered))
    else:
        ordered_by_concern = ordered
    steps = max(len(ordered) - 1, 1)
    bands = []
    for band in ordered:
        y_top = y_for(min(band.max + 1, high))
        y_bottom = y_for(band.min)
        bands.append(
            BandRect(
                key=band.key,
                label=band.label,
                x=left,
                y=y_top,
                width=_round(right - left),
                height=_round(y_bottom - y_top),
                intensity=round(ordered_by_concern.index(band) / steps, 2),
            )
        )

    times = [p.created_at.timestamp() for p in points]
    first, last = (min(times), max(times)) if times else (0.0, 0.0)

    def x_for(index: int) -> float:
        if last == first:
            # One result, or all at the same moment: spread them evenly.
            if len(points) == 1:
                return _round((left + right) / 2)
            return _round(left + index * (right - left) / (len(points) - 1))
        return _round(left + (times[index] - first) / (last - first) * (right - left))

    plotted = tuple(PlotPoint(x_for(i), y_for(p.total), p) for i, p in enumerate(points))
    markers = tuple(
        ChangeMarker(
            x=pp.x,
            y=pp.y,
            kind="improved" if pp.point.improved else "deteriorated",
            label=(
                _("Reliable improvement ({change})")
                if pp.point.improved
                else _("Reliable deterioration ({change})")
            ).format(change=f"{pp.point.change:+d}"),
        )
        for pp in plotted
        if pp.point.reliable
    )
    tick_values = sorted({low, high, *(band.min for band in ordered)})
    y_ticks = tuple(Tick(str(v), left - 8, y_for(v)) for v in tick_values)
    x_ticks: tuple[Tick, ...] = ()
    if plotted:
        chosen = sorted({0, len(plotted) - 1})
        x_ticks = tuple(
            Tick(
                _day(plotted[i].point.created_at),
                plotted[i].x,
                bottom + 18,
                "middle" if len(chosen) == 1 else ("start" if i == chosen[0] else "end"),
            )
            for i in chosen
        )
    return Chart(
        width=width,
        height=height,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        bands=tuple(bands),
        points=plotted,
        markers=markers,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        polyline=" ".join(f"{p.x},{p.y}" for p in plotted),
        y_label=_("{name} total ({low}–{high})").format(name=definition.name, low=low, high=high),
        x_label=_("Date completed"),
    )
