from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kindred.groups.schedule import ScheduleError, describe, occurrences, parse_rule


def test_weekly_tuesday_19_00_london_stays_19_00_local_across_dst():
    # The clocks go forward on 29 March 2026 and back on 25 October 2026.
    starts = occurrences(
        "FREQ=WEEKLY;BYDAY=TU",
        datetime(2026, 1, 6, 19, 0),
        "Europe/London",
        datetime(2026, 3, 20, tzinfo=UTC),
        datetime(2026, 4, 10, tzinfo=UTC),
    )
    assert starts == [
        datetime(2026, 3, 24, 19, 0, tzinfo=UTC),  # GMT
        datetime(2026, 3, 31, 18, 0, tzinfo=UTC),  # BST: 19:00 local
        datetime(2026, 4, 7, 18, 0, tzinfo=UTC),
    ]


def test_autumn_change_moves_back():
    starts = occurrences(
        "FREQ=WEEKLY;BYDAY=TU",
        datetime(2026, 1, 6, 19, 0),
        "Europe/London",
        datetime(2026, 10, 19, tzinfo=UTC),
        datetime(2026, 11, 1, tzinfo=UTC),
    )
    assert starts == [
        datetime(2026, 10, 20, 18, 0, tzinfo=UTC),
        datetime(2026, 10, 27, 19, 0, tzinfo=UTC),
    ]


def test_us_zone_changes_on_its_own_date():
    # New York springs forward on 8 March 2026, three weeks before London.
    starts = occurrences(
        "FREQ=WEEKLY;BYDAY=TU",
        datetime(2026, 1, 6, 19, 0),
        "America/New_York",
        datetime(2026, 3, 1, tzinfo=UTC),
        datetime(2026, 3, 12, tzinfo=UTC),
    )
    assert starts == [
        datetime(2026, 3, 4, 0, 0, tzinfo=UTC),
        datetime(2026, 3, 10, 23, 0, tzinfo=UTC),
    ]


def test_a_time_inside_the_spring_gap_is_moved_forward_not_lost():
    starts = occurrences(
        "FREQ=DAILY",
        datetime(2026, 3, 28, 1, 30),
        "Europe/London",
        datetime(2026, 3, 28, tzinfo=UTC),
        datetime(2026, 3, 31, tzinfo=UTC),
    )
    assert len(starts) == 3
    assert starts[1] == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 01:30 GMT = 02:30 BST


def test_the_window_is_half_open_and_respects_count_and_until():
    rule = "FREQ=WEEKLY;BYDAY=TU;COUNT=2"
    starts = occurrences(
        rule,
        datetime(2026, 1, 6, 19, 0),
        "UTC",
        datetime(2026, 1, 6, 19, 0, tzinfo=UTC),
        datetime(2026, 3, 1, tzinfo=UTC),
    )
    assert starts == [datetime(2026, 1, 6, 19, tzinfo=UTC), datetime(2026, 1, 13, 19, tzinfo=UTC)]


@pytest.mark.parametrize(
    "rule",
    [
        "",
        "FREQ=MINUTELY",
        "FREQ=HOURLY",
        "DTSTART:20260101T000000\nRRULE:FREQ=DAILY",
        "NOPE",
        "FREQ=WEEKLY;BYDAY=XX",
    ],
)
def test_unusable_rules_are_refused(rule):
    with pytest.raises(ScheduleError):
        parse_rule(rule, datetime(2026, 1, 6, 19, 0))


def test_unknown_zone_is_refused():
    with pytest.raises(ScheduleError):
        occurrences(
            "FREQ=DAILY", datetime(2026, 1, 1), "Mars/Olympus", datetime.now(UTC), datetime.now(UTC)
        )


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ("FREQ=WEEKLY;BYDAY=TU", "Every Tuesday at 19:00 (Europe/London)"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=SA", "Every 2 weeks on Saturday at 19:00 (Europe/London)"),
        ("FREQ=WEEKLY;BYDAY=MO,TH", "Every Monday and Thursday at 19:00 (Europe/London)"),
        ("FREQ=DAILY", "Every day at 19:00 (Europe/London)"),
        ("FREQ=MONTHLY;INTERVAL=3", "Every 3 months at 19:00 (Europe/London)"),
    ],
)
def test_describe_in_plain_words(rule, text):
    assert describe(rule, datetime(2026, 1, 6, 19, 0), "Europe/London") == text
