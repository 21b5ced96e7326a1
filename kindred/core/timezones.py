"""Choosing a time zone: one searchable field for every form that asks for one.

The control is a plain ``<input list>`` with a ``<datalist>`` of zone names, so the
browser offers matches as the person types ("lond" → Europe/London) without any
script; ``app.js`` only pre-fills the browser's own zone when none is chosen yet. The
server checks the answer against the zones Python knows, so a typo is a form error,
never a saved, unusable zone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django import forms
from django.utils import timezone as dj_timezone
from django.utils.translation import gettext_lazy as _

# Names Python knows but no person means: a placeholder zone and the host's own clock.
_NOT_ZONES = frozenset({"Factory", "localtime"})


@lru_cache(maxsize=1)
def valid_zones() -> frozenset[str]:
    """Every zone a form accepts, legacy aliases ("US/Eastern") included, so a zone
    saved before keeps validating."""
    return frozenset(available_timezones()) - _NOT_ZONES


@lru_cache(maxsize=1)
def offered_zones() -> tuple[str, ...]:
    """The zones the list suggests: the canonical "Area/City" names and UTC."""
    return tuple(sorted(z for z in valid_zones() if "/" in z or z == "UTC"))


def _offset_label(offset_minutes: int) -> str:
    sign = "+" if offset_minutes >= 0 else "−"
    hours, minutes = divmod(abs(offset_minutes), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"


@lru_cache(maxsize=2)
def _zone_options(hour: datetime) -> tuple[tuple[str, str], ...]:
    # Cached per hour: offsets change only at a daylight-saving switch.
    options = []
    for name in offered_zones():
        offset = hour.astimezone(ZoneInfo(name)).utcoffset()
        minutes = int(offset.total_seconds() // 60) if offset is not None else 0
        options.append((name, f"{name.replace('_', ' ')} ({_offset_label(minutes)})"))
    return tuple(options)


def zone_options() -> tuple[tuple[str, str], ...]:
    """``(value, label)`` for each offered zone; the label adds today's UTC offset."""
    now = dj_timezone.now().astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return _zone_options(now)


def default_zone(*candidates: str | None) -> str:
    """The first candidate that is a real zone (the person's saved zone, say), else UTC."""
    for zone in candidates:
        if zone and zone in valid_zones():
            return zone
    return "UTC"


class TimeZoneInput(forms.TextInput):
    """A text box with a ``<datalist>`` of zones; the browser filters it as you type."""

    template_name = "core/widgets/timezone.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {
            "autocomplete": "off",
            "spellcheck": "false",
            "autocapitalize": "off",
            "data-detect": "timezone",
            "placeholder": _("Start typing a city, e.g. London"),
        }
        super().__init__({**defaults, **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        list_id = f"{widget['attrs'].get('id') or name}-zones"
        widget["attrs"]["list"] = list_id
        widget["list_id"] = list_id
        widget["zones"] = zone_options()
        return context


class TimeZoneField(forms.CharField):
    """A time zone by name ("Europe/London"); anything else is a clear form error."""

    widget = TimeZoneInput
    default_error_messages = {
        "unknown": _(
            "“%(value)s” is not a time zone we know. Start typing your city and pick a "
            "zone from the list, e.g. Europe/London or America/New_York."
        ),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value) or ""
        # People type "europe/london" or "New York": accept the zone they clearly meant.
        return _canonical(text)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and value not in valid_zones():
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": value}
            )


def _canonical(text: str) -> str:
    text = text.strip()
    if not text or text in valid_zones():
        return text
    wanted = text.replace(" ", "_").casefold()
    by_fold = _zones_by_fold()
    if wanted in by_fold:
        return by_fold[wanted]
    # A label picked from the list ("Europe/London (UTC+01:00)") or a bare city.
    head = wanted.split("_(utc", 1)[0]
    if head in by_fold:
        return by_fold[head]
    cities = _zones_by_city()
    return cities.get(head, text)


@lru_cache(maxsize=1)
def _zones_by_fold() -> dict[str, str]:
    return {z.casefold(): z for z in valid_zones()}


@lru_cache(maxsize=1)
def _zones_by_city() -> dict[str, str]:
    """ "london" → Europe/London, where exactly one offered zone has that city."""
    seen: dict[str, list[str]] = {}
    for zone in offered_zones():
        seen.setdefault(zone.rsplit("/", 1)[-1].casefold(), []).append(zone)
    return {city: zones[0] for city, zones in seen.items() if len(zones) == 1}
