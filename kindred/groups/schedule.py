"""A group's recurrence rule (RFC 5545, via python-dateutil) → UTC instants.

The rule runs on the facilitator's wall clock: occurrences are computed as naive
local times, then placed in the group's zone one by one, so a 19:00 group stays at
19:00 local across daylight-saving changes (and moves by an hour in UTC). A local
time that does not exist (inside a spring-forward gap) is read with ``fold=0``,
which zoneinfo resolves to the same wall time on the earlier offset: 02:30 on the
changeover night becomes 03:30 local.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rrulestr
from django.utils.translation import gettext as _

ALLOWED_FREQUENCIES = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month"}
_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class ScheduleError(ValueError):
    """The rule, start or zone cannot be used (the message is for the facilitator)."""


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(_("Unknown time zone “%(name)s”.") % {"name": name}) from None


def rule_parts(text: str) -> dict[str, str]:
    """``FREQ=WEEKLY;BYDAY=TU`` → ``{"FREQ": "WEEKLY", "BYDAY": "TU"}`` (no validation)."""
    parts = (p.partition("=") for p in text.strip().removeprefix("RRULE:").split(";") if p)
    return {key.strip().upper(): value.strip().upper() for key, _, value in parts}


def parse_rule(text: str, first_local: datetime) -> rrule:
    """The rule anchored at ``first_local`` (naive, on the group's clock).

    Only daily, weekly and monthly rules: anything more frequent would let one
    group flood the session table.
    """
    text = text.strip().removeprefix("RRULE:")
    if not text or "DTSTART" in text.upper() or "\n" in text:
        raise ScheduleError(_("Give a recurrence rule such as FREQ=WEEKLY;BYDAY=TU."))
    if rule_parts(text).get("FREQ") not in ALLOWED_FREQUENCIES:
        raise ScheduleError(
            _("Groups meet daily, weekly or monthly (FREQ=DAILY, WEEKLY, MONTHLY).")
        )
    try:
        rule = rrulestr(text, dtstart=first_local.replace(tzinfo=None, second=0, microsecond=0))
    except (ValueError, TypeError) as exc:
        raise ScheduleError(
            _("That recurrence rule is not valid: %(error)s") % {"error": exc}
        ) from None
    if not isinstance(rule, rrule):
        raise ScheduleError(_("Give one recurrence rule."))
    return rule


def to_utc(local: datetime, tz: ZoneInfo) -> datetime:
    return local.replace(tzinfo=tz, fold=0).astimezone(UTC)


def occurrences(
    rule_text: str, first_local: datetime, tz_name: str, start: datetime, end: datetime
) -> list[datetime]:
    """UTC start instants in ``[start, end)`` (both aware)."""
    tz = zone(tz_name)
    rule = parse_rule(rule_text, first_local)
    # A day either side covers any UTC offset; the exact filter is in UTC below.
    local_from = start.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
    local_to = end.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
    instants = (to_utc(local, tz) for local in rule.between(local_from, local_to, inc=True))
    return [at for at in instants if start <= at < end]


def describe(rule_text: str, first_local: datetime, tz_name: str) -> str:
    """The schedule in words, e.g. "Every Tuesday at 19:00 (Europe/London)"; else the rule."""
    try:
        parse_rule(rule_text, first_local)
    except ScheduleError:
        return rule_text
    at = f"at {first_local:%H:%M} ({tz_name})"
    parts = rule_parts(rule_text)
    unit = ALLOWED_FREQUENCIES[parts["FREQ"]]
    n = int(parts.get("INTERVAL", "1") or 1)
    if parts["FREQ"] == "WEEKLY":
        codes = [c.strip()[-2:] for c in parts.get("BYDAY", "").split(",") if c.strip()]
        weekdays = sorted({_CODES.index(c) for c in codes if c in _CODES}) or [
            first_local.weekday()
        ]
        days = " and ".join(_DAYS[d] for d in weekdays)
        return f"Every {days} {at}" if n == 1 else f"Every {n} weeks on {days} {at}"
    return f"Every {unit} {at}" if n == 1 else f"Every {n} {unit}s {at}"
