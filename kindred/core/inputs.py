"""What any input must be before it reaches the database: text that can be stored, and
dates inside a calendar we can do arithmetic on.

PostgreSQL refuses a NUL character in text, and UTF-8 cannot encode a lone surrogate
(JSON can carry one as ``"\\ud800"``); either would fail at save time, after the person
pressed send. Dates near year 1 or 9999 overflow the moment a time zone or a duration
is added. Each layer (API schemas, forms, the room socket) calls the checks here, so the
rule is written once.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, AwareDatetime, field_validator

# A Python string holds a surrogate code point only when it was not half of a pair
# (json.loads joins pairs into one character), so any of them is "lone".
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

# The range of dates anyone may schedule or set: nothing before 2000, nothing more than
# about two years ahead. Far inside what datetime arithmetic can handle.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
FURTHEST_AHEAD = timedelta(days=2 * 366)

NUL_MESSAGE = _("Text cannot contain a NUL character (\\0). Please remove it.")
SURROGATE_MESSAGE = _(
    "Text contains a broken character (an unpaired UTF-16 surrogate). Please remove it."
)


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored, or ``None`` when it can."""
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    return str(NUL_MESSAGE if found.group() == "\x00" else SURROGATE_MESSAGE)


def strip_unstorable(value: str) -> str:
    """``value`` without the characters that cannot be stored: for showing back what
    someone wrote next to the error."""
    return _UNSTORABLE.sub("", value)


def refuse_unstorable(value: Any) -> Any:
    """``value`` unchanged, or ``ValueError`` when it (or a string inside a list, tuple
    or dict, keys included) cannot be stored."""
    if isinstance(value, str):
        problem = text_problem(value)
        if problem:
            raise ValueError(problem)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            refuse_unstorable(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            refuse_unstorable(key)
            refuse_unstorable(item)
    return value


def validate_storable_text(value: Any) -> None:
    """Django validator: a form error instead of a database error."""
    if isinstance(value, str) and (problem := text_problem(value)):
        raise ValidationError(problem, code="unstorable_text")


class RefusesUnstorableText:
    """Mix into a pydantic model (before ``BaseModel``/``Schema``): every field's raw
    input is checked, so the error names the field and no model can forget one."""

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_unstorable_text(cls, value: Any) -> Any:
        return refuse_unstorable(value)


# --- Dates --------------------------------------------------------------------------


def latest_schedulable(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + FURTHEST_AHEAD


def schedulable_problem(value: datetime | date, now: datetime | None = None) -> str | None:
    """Why ``value`` is outside the range anyone may schedule, or ``None``.

    A date counts as its first moment in UTC: a day either side does not matter here.
    """
    moment = value if isinstance(value, datetime) else datetime(*value.timetuple()[:3], tzinfo=UTC)
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=UTC)
    latest = latest_schedulable(now)
    # Compare the naive UTC wall times: comparing an aware datetime near year 1 or
    # 9999 converts it to UTC and can overflow.
    if _naive_utc(moment) < _naive_utc(EARLIEST):
        return str(_("Choose a date from %(year)s on.") % {"year": EARLIEST.year})
    if _naive_utc(moment) > _naive_utc(latest):
        return str(
            _("Choose a date before %(date)s (at most two years ahead).")
            % {"date": latest.date().isoformat()}
        )
    return None


def _naive_utc(moment: datetime) -> datetime:
    offset = moment.utcoffset() or timedelta(0)
    naive = moment.replace(tzinfo=None)
    # Near the ends of the calendar the shift itself overflows; clamp to those ends.
    try:
        return naive - offset
    except OverflowError:
        return datetime.min if offset > timedelta(0) else datetime.max


def check_schedulable(value: datetime) -> datetime:
    """pydantic ``AfterValidator``: ``ValueError`` outside the schedulable range."""
    problem = schedulable_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def validate_schedulable(value: datetime | date | None) -> None:
    """Django validator for form date and date-time fields."""
    if value is not None and (problem := schedulable_problem(value)):
        raise ValidationError(problem, code="date_out_of_range")


def in_utc(value: datetime) -> datetime:
    """pydantic ``AfterValidator``: the same instant in UTC.

    Python accepts UTC offsets up to +-23:59, PostgreSQL only up to +-15:59: a date-time sent
    with an unusual offset would fail in the database (a 500). In UTC it is the same instant
    and always stores.
    """
    try:
        return value.astimezone(UTC)
    except OverflowError:
        # 9999-12-31T23:00-05:00 is a valid ISO date-time but no datetime in UTC.
        raise ValueError("The date and time is out of range.") from None


# An aware date-time from 2000 to two years ahead, in UTC: for bookings, schedules and expiries.
SchedulableDatetime = Annotated[
    AwareDatetime, AfterValidator(in_utc), AfterValidator(check_schedulable)
]
