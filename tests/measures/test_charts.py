"""Trend points and chart geometry: pure functions over totals and dates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kindred.measures.charts import build_chart, trend_points
from kindred.measures.definitions import get_definition

START = datetime(2025, 1, 1, 9, 0, tzinfo=UTC)


def rows(*totals, every_days=7):
    return [(i + 1, START + timedelta(days=i * every_days), t) for i, t in enumerate(totals)]


def test_points_carry_band_change_and_reliable_change(phq9):
    points = trend_points(phq9, rows(20, 12, 11, 19))
    assert [(p.total, p.band_key, p.change) for p in points] == [
        (20, "severe", None),
        (12, "moderate", -8),
        (11, "moderate", -1),
        (19, "moderately_severe", 8),
    ]
    assert [p.reliable for p in points] == [None, True, False, True]
    assert [(p.improved, p.deteriorated) for p in points] == [
        (False, False),
        (True, False),
        (False, False),
        (False, True),
    ]


def test_points_are_ordered_by_date_whatever_the_input_order(phq9):
    points = trend_points(phq9, list(reversed(rows(3, 9))))
    assert [p.total for p in points] == [3, 9]


def test_instruments_without_rci_parameters_have_no_reliable_flag():
    phq2 = get_definition("phq2")
    points = trend_points(phq2, rows(6, 0))
    assert [p.reliable for p in points] == [None, None]
    assert points[1].change == -6


def test_bands_tile_the_plot_from_bottom_to_top(phq9):
    chart = build_chart(phq9, trend_points(phq9, rows(5, 10)))
    assert [b.key for b in chart.bands] == [
        "minimal",
        "mild",
        "moderate",
        "moderately_severe",
        "severe",
    ]
    lowest, highest = chart.bands[0], chart.bands[-1]
    assert lowest.y + lowest.height == chart.bottom
    assert highest.y == chart.top
    for below, above in zip(chart.bands, chart.bands[1:], strict=False):
        assert abs(above.y + above.height - below.y) < 0.2
    assert [b.intensity for b in chart.bands] == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_higher_is_better_instruments_shade_the_low_end_most():
    who5 = get_definition("who5")
    chart = build_chart(who5, [])
    assert chart.bands[0].key == "likely_depression" and chart.bands[0].intensity == 1.0
    assert chart.points == () and chart.polyline == "" and chart.x_ticks == ()


def test_points_map_score_to_height_and_time_to_x(phq9):
    chart = build_chart(phq9, trend_points(phq9, rows(0, 27, 0, every_days=10)))
    first, middle, last = chart.points
    assert (first.x, last.x) == (chart.left, chart.right)
    assert middle.x == round((chart.left + chart.right) / 2, 1)
    assert (first.y, middle.y) == (chart.bottom, chart.top)
    assert chart.polyline.split(" ")[0] == f"{first.x},{first.y}"


def test_a_single_result_sits_in_the_middle(phq9):
    chart = build_chart(phq9, trend_points(phq9, rows(9)))
    assert chart.points[0].x == round((chart.left + chart.right) / 2, 1)
    assert [t.value for t in chart.x_ticks] == ["1 Jan 2025"]


def test_reliable_changes_get_markers_at_the_later_point(phq9):
    chart = build_chart(phq9, trend_points(phq9, rows(20, 12, 11, 19)))
    assert [(m.kind, m.label) for m in chart.markers] == [
        ("improved", "Reliable improvement (-8)"),
        ("deteriorated", "Reliable deterioration (+8)"),
    ]
    assert (chart.markers[0].x, chart.markers[0].y) == (chart.points[1].x, chart.points[1].y)


def test_axis_ticks_and_labels(phq9):
    chart = build_chart(phq9, trend_points(phq9, rows(1, 2)))
    assert [t.value for t in chart.y_ticks] == ["0", "5", "10", "15", "20", "27"]
    assert chart.y_label == "PHQ-9 total (0–27)" and chart.x_label == "Date completed"
    assert [t.value for t in chart.x_ticks] == ["1 Jan 2025", "8 Jan 2025"]
    # The end dates lean inwards, so neither is cut off at the chart's edges.
    assert [t.anchor for t in chart.x_ticks] == ["start", "end"]


def test_a_single_date_is_centred_on_its_point(phq9):
    chart = build_chart(phq9, trend_points(phq9, rows(7)))
    [tick] = chart.x_ticks
    assert tick.anchor == "middle" and tick.x == chart.points[0].x
