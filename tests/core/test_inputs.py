"""The shared input checks: storable text and the schedulable date range."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from django.core.exceptions import ValidationError
from pydantic import BaseModel

from kindred.core import inputs


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("plain", None),
        ("emoji 😀 and accents é", None),
        ("a\x00b", inputs.NUL_MESSAGE),
        ("a\ud800b", inputs.SURROGATE_MESSAGE),
        ("\udfff", inputs.SURROGATE_MESSAGE),
    ],
)
def test_text_problem(text, problem):
    assert inputs.text_problem(text) == (str(problem) if problem else None)


def test_strip_unstorable_keeps_the_rest():
    assert inputs.strip_unstorable("a\x00b\ud800c 😀") == "abc 😀"


def test_refuse_unstorable_looks_inside_lists_and_dicts():
    assert inputs.refuse_unstorable({"k": ["ok", 1]}) == {"k": ["ok", 1]}
    for bad in (["ok", "a\x00"], {"k": "\ud800"}, {"\x00": 1}, ("x", ("\x00",))):
        with pytest.raises(ValueError, match="Please remove it"):
            inputs.refuse_unstorable(bad)


def test_the_django_validator_raises_a_form_error():
    inputs.validate_storable_text("fine")
    with pytest.raises(ValidationError):
        inputs.validate_storable_text("a\ud800")


class Model(inputs.RefusesUnstorableText, BaseModel):
    name: str
    tags: list[str] = []


def test_the_mixin_refuses_any_field_and_names_it():
    assert Model(name="ok", tags=["a"]).name == "ok"
    with pytest.raises(Exception) as caught:
        Model(name="ok", tags=["a\x00"])
    assert caught.value.errors()[0]["loc"] == ("tags",)


NOW = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        datetime(2000, 1, 1, tzinfo=UTC),
        NOW,
        NOW + inputs.FURTHEST_AHEAD,
        date(2031, 6, 1),
        datetime(2030, 5, 1, 12, 0),  # naive: a wall-clock time, read as UTC
    ],
)
def test_inside_the_range(value):
    assert inputs.schedulable_problem(value, NOW) is None


@pytest.mark.parametrize(
    "value",
    [
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=14))),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-14))),
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14))),
        datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=-14))),
        datetime(1999, 12, 31, 23, 59, tzinfo=UTC),
        NOW + inputs.FURTHEST_AHEAD + timedelta(seconds=1),
        date(9999, 12, 31),
        date(1, 1, 1),
    ],
)
def test_outside_the_range_without_overflowing(value):
    assert inputs.schedulable_problem(value, NOW)
