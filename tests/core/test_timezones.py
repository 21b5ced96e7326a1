from __future__ import annotations

import pytest
from django import forms

from kindred.core.timezones import (
    TimeZoneField,
    default_zone,
    offered_zones,
    valid_zones,
    zone_options,
)


class ZoneForm(forms.Form):
    timezone = TimeZoneField()


def test_it_offers_canonical_zones_and_utc_but_no_placeholders() -> None:
    offered = offered_zones()
    assert "Europe/London" in offered and "UTC" in offered
    assert "Factory" not in offered and "localtime" not in offered
    assert "GB" not in offered  # a legacy alias: accepted, not suggested
    assert "GB" in valid_zones()
    assert list(offered) == sorted(offered)


def test_each_option_shows_its_current_offset() -> None:
    labels = dict(zone_options())
    assert labels["UTC"] == "UTC (UTC+00:00)"
    assert labels["Asia/Kolkata"] == "Asia/Kolkata (UTC+05:30)"
    assert labels["America/New_York"].startswith("America/New York (UTC−0")


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("Europe/London", "Europe/London"),
        ("  europe/london ", "Europe/London"),
        ("America/New York", "America/New_York"),
        ("Europe/London (UTC+01:00)", "Europe/London"),
        ("Tokyo", "Asia/Tokyo"),
        ("US/Eastern", "US/Eastern"),
    ],
)
def test_it_accepts_the_zone_the_person_meant(typed: str, saved: str) -> None:
    form = ZoneForm({"timezone": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["timezone"] == saved


@pytest.mark.parametrize("typed", ["Mars/Olympus", "localtime", "Factory", "x" * 80])
def test_an_unknown_zone_is_a_form_error(typed: str) -> None:
    form = ZoneForm({"timezone": typed})
    assert not form.is_valid()
    assert form.errors["timezone"]
    if len(typed) < 64:
        assert "is not a time zone we know" in form.errors["timezone"][0]


def test_it_is_required_unless_told_otherwise() -> None:
    assert not ZoneForm({"timezone": ""}).is_valid()


def test_the_widget_is_a_searchable_list_with_the_current_zone() -> None:
    html = str(ZoneForm(initial={"timezone": "Europe/Dublin"})["timezone"])
    assert 'list="id_timezone-zones"' in html
    assert '<datalist id="id_timezone-zones">' in html
    assert 'value="Europe/Dublin"' in html
    assert '<option value="Pacific/Auckland">' in html
    assert 'data-detect="timezone"' in html
    assert "<script" not in html and "style=" not in html


def test_default_zone_takes_the_first_real_one() -> None:
    assert default_zone(None, "Mars/Base", "Europe/Paris") == "Europe/Paris"
    assert default_zone("", None) == "UTC"
