"""Choosing which country's crisis lines to show a visitor."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings

from kindred.safety.models import CrisisCountry

ANYWHERE = "XX"
SESSION_KEY = "crisis_country"
_LANG_REGION = re.compile(r"^[a-zA-Z]{2,3}[-_]([a-zA-Z]{2})\b")


def country_from_accept_language(header: str) -> str | None:
    """First region in the browser's language list: ``en-GB,en;q=0.9`` → ``GB``."""
    for part in header.split(","):
        match = _LANG_REGION.match(part.strip())
        if match:
            return match.group(1).upper()
    return None


def choose_country_code(request: Any, known: set[str]) -> str:
    """Explicit choice, then the visit, then the profile, then the browser, then the default."""
    candidates = [
        request.GET.get("country", ""),
        request.session.get(SESSION_KEY, "") if hasattr(request, "session") else "",
        getattr(request.user, "country", "") if request.user.is_authenticated else "",
        country_from_accept_language(request.headers.get("Accept-Language", "")) or "",
        settings.KINDRED_DEFAULT_COUNTRY,
    ]
    for code in candidates:
        code = (code or "").strip().upper()
        if code in known:
            return code
    return ANYWHERE


def crisis_context(request: Any) -> dict[str, Any]:
    # The table is small (one row per country): two queries load all of it.
    countries = {c.code: c for c in CrisisCountry.objects.prefetch_related("lines")}
    code = choose_country_code(request, set(countries))
    return {
        "country": countries.get(code) if code != ANYWHERE else None,
        "anywhere": countries.get(ANYWHERE),
        "countries": sorted(
            (c for c in countries.values() if c.code != ANYWHERE), key=lambda c: c.name
        ),
        "selected": code,
    }
