"""Age: the band an account belongs to, derived from the date of birth given at sign-up.

The date of birth is stored encrypted and read only here; everything else uses the
band (``User.age_band``), which is stored so it can be queried. A teen becomes an
adult on their 18th birthday in their own time zone: the band read for access is
derived from the date at once (:func:`current_age_band`), and the stored band (with
what changes with it, see :func:`register_band_change_handler`) follows on the next
request, on sign-in or from the hourly task, whichever comes first.

Accounts made before dates of birth were asked for have none: their stored band
stands until staff record a date.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone

from kindred.accounts.models import AgeBand
from kindred.core.registry import Registry

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kindred.accounts.models import User

ADULT_AGE = 18
# Older than anyone alive: a year typed wrong, not a person.
OLDEST_AGE = 120

# Called inside the transaction that changes a person's band, with the person, the
# old band and the new one; returns counts of what it changed, for the audit record.
BandChangeHandler = Callable[["User", str, str], dict[str, int]]
BAND_CHANGE_HANDLERS = Registry[BandChangeHandler]("band-change handlers")


def register_band_change_handler(name: str, handler: BandChangeHandler) -> None:
    """Apps that keep teens and adults apart (peers, groups) register what a change
    of band means for them; accounts never imports them. Registering a name again
    replaces its handler (an app's ready() may run twice in tests)."""
    BAND_CHANGE_HANDLERS.register(name, handler, replace=True)


def band_change_handlers() -> list[tuple[str, BandChangeHandler]]:
    return sorted(BAND_CHANGE_HANDLERS.items())


def minimum_age() -> int:
    return int(settings.MINIMUM_AGE)


def age_on(born: datetime.date, day: datetime.date) -> int:
    """Whole years between ``born`` and ``day``. Someone born on 29 February is a
    year older on 1 March in years without one."""
    years = day.year - born.year
    if (day.month, day.day) < (born.month, born.day):
        years -= 1
    return years


def band_for(born: datetime.date, day: datetime.date) -> str:
    return AgeBand.ADULT if age_on(born, day) >= ADULT_AGE else AgeBand.TEEN


def today_for(user: User | None, now: datetime.datetime | None = None) -> datetime.date:
    """Today's date where ``user`` lives (UTC when their time zone is unknown)."""
    now = now or timezone.now()
    try:
        zone = ZoneInfo(getattr(user, "timezone", "") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return now.astimezone(zone).date()


def current_age_band(user: User, now: datetime.datetime | None = None) -> str:
    """The band to decide access with: from the date of birth when there is one,
    else the stored band. Costs no query."""
    born = getattr(user, "date_of_birth", None)
    if born is None:
        return str(user.age_band)
    return band_for(born, today_for(user, now))


def came_of_age(user: User | AnonymousUser, now: datetime.datetime | None = None) -> bool:
    """Stored as a teen, 18 by the date of birth: due to move to the adult band.

    Only this direction happens by itself; a band never goes back to teen except
    through a staff correction of the date of birth.
    """
    return bool(
        user.is_authenticated
        and user.age_band == AgeBand.TEEN
        and user.date_of_birth is not None
        and current_age_band(user, now) == AgeBand.ADULT
    )
