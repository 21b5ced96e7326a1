from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.utils import timezone

import kindred
from kindred.core.when import format_when, zone_of

AT = datetime(2026, 7, 6, 13, 5, tzinfo=UTC)


def test_it_writes_a_moment_on_the_given_clock_with_the_zone() -> None:
    assert format_when(AT, ZoneInfo("Europe/London")) == "6 Jul 2026, 14:05 BST"
    assert format_when(AT, ZoneInfo("UTC"), short=True) == "Mon 6 Jul, 13:05 UTC"


def test_zone_of_falls_back_to_utc_for_a_zone_that_does_not_exist() -> None:
    class Person:
        timezone = "Mars/Olympus"

    assert zone_of(Person()).key == "UTC"
    assert zone_of(None).key == "UTC"


def test_templates_use_the_named_formats_in_the_active_zone() -> None:
    template = Template(
        '{{ at|date }}|{{ at|date:"DATETIME_FORMAT" }}|{{ at|time }}|'
        '{{ at|date:"SHORT_DATETIME_FORMAT" }}'
    )
    with timezone.override(ZoneInfo("Asia/Kolkata")):
        text = template.render(Context({"at": AT}))
    assert text == "6 Jul 2026|6 Jul 2026, 18:35|18:35|Mon 6 Jul, 18:35"


def test_no_template_spells_out_its_own_human_date_pattern() -> None:
    """Every user-facing date goes through the named formats (kindred/formats), so the
    site writes a date one way; only machine formats ("c", a weekday "D", "T") remain."""
    allowed = {"c", "D", "T", "DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"}
    allowed |= {"SHORT_DATE_FORMAT", "MONTH_DAY_FORMAT", "TIME_FORMAT", "H:i:s"}
    root = Path(kindred.__file__).parent
    found = []
    for path in [*root.rglob("*.html"), *root.rglob("*.txt")]:
        for pattern in re.findall(r"\|(?:date|time):[\"']([^\"']*)[\"']", path.read_text()):
            if pattern not in allowed:
                found.append(f"{path.relative_to(root)}: {pattern}")
    assert found == []


def test_pages_show_times_on_the_viewers_clock(client, member) -> None:
    member.timezone = "Asia/Kolkata"
    member.save(update_fields=["timezone"])
    client.force_login(member)
    seen = {}

    from django.test.signals import template_rendered

    def grab(sender, template, context, **kwargs):
        seen.setdefault("zone", timezone.get_current_timezone_name())

    template_rendered.connect(grab)
    try:
        assert client.get("/").status_code == 200
    finally:
        template_rendered.disconnect(grab)
    assert seen["zone"] == "Asia/Kolkata"
    assert timezone.get_current_timezone_name() == "UTC"  # and only for that request
