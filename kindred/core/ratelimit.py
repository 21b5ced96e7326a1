"""Rate limits for pages and the API: fixed-window counters in the shared cache.

An *action* (``community.reply``, ``api``…) has rates in ``settings.RATE_LIMITS``, in
allauth's syntax: ``20/10m/user,60/10m/ip``. Each rate counts per account (``user``),
per client address (``ip``, from :func:`kindred.core.clientip.client_ip`) or per a key
the caller names (``key``, e.g. the e-mail typed into the login form). :func:`limit`
counts one attempt against all of them and raises :class:`RateLimited` (with the
seconds until the window ends) when any is exceeded; the refused attempt is not
counted. Pages re-render their form with the text kept and answer 429; the API
answers JSON 429 (``kindred.api.errors``). Both set ``Retry-After``.

Why not a library. django-ratelimit catches only ``socket.gaierror`` around the cache
(Django's Redis backend raises redis errors, so an outage is a 500), and its "fail
open" is silent. ninja's throttles keep a list of timestamps with a
non-atomic get-then-set, so parallel requests slip through, and they trust
X-Forwarded-For from anyone; ninja's docs call them "not a security measure". We keep
ninja's throttle *hook* for the API (``kindred.api.throttle``) and count here.

Counting: ``add`` then ``incr`` on a key per window, atomic in Redis (so the limit holds
across processes) and in the local-memory cache of the embedded default (one process). A fixed window lets a
burst of up to twice the amount straddle a boundary; for abuse limits that is fine and
it keeps each check to a few cache calls. If the cache fails (Redis down), limits are
off: the request goes through and a warning is logged (at most once a minute), never
an error page.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import math
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, ngettext

from kindred.core.clientip import address_bucket, client_ip
from kindred.core.sharedcache import shared_cache

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kindred.accounts.models import User

logger = logging.getLogger("kindred.ratelimit")

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# While the cache is failing, one warning a minute is enough to be noticed.
WARN_EVERY_SECONDS = 60.0
_warned_at = [-math.inf]
_warn_lock = threading.Lock()


@dataclass(frozen=True)
class Rate:
    amount: int
    seconds: int
    per: str  # "user", "ip" or "key"


@functools.lru_cache(maxsize=256)
def parse_rates(text: str) -> tuple[Rate, ...]:
    """``"20/10m/user,60/10m/ip"`` → two rates; empty → none (no limit)."""
    rates = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        try:
            amount, period, per = part.split("/")
            count = int(period[:-1]) if period[:-1] else 1
            rate = Rate(int(amount), count * _UNITS[period[-1]], per)
        except (ValueError, KeyError):
            raise ImproperlyConfigured(f"{part!r} is not a rate like 20/10m/user") from None
        if per not in ("user", "ip", "key") or rate.seconds < 1:
            raise ImproperlyConfigured(f"{part!r} is not a rate like 20/10m/user")
        rates.append(rate)
    return tuple(rates)


def rates_for(action: str) -> tuple[Rate, ...]:
    try:
        return parse_rates(settings.RATE_LIMITS[action])
    except KeyError:
        raise ImproperlyConfigured(f"RATE_LIMITS has no action {action!r}") from None


def describe_wait(seconds: int) -> str:
    """``45 seconds``, ``3 minutes``, ``2 hours``: rounded up, never shorter than true."""
    if seconds < 60:
        return ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds}
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}
    hours = math.ceil(minutes / 60)
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


class RateLimited(Exception):
    """Too many attempts at ``action``; ``retry_after`` seconds until one is allowed."""

    def __init__(self, action: str, retry_after: float, *, message: str = "") -> None:
        self.action = action
        self.retry_after = max(1, math.ceil(retry_after))
        # A limit counted elsewhere (reports, in the database) brings its own words.
        self.message = message
        super().__init__(action, self.retry_after)

    def __str__(self) -> str:
        if self.message:
            return self.message
        # Translated when shown, in the language of the request that shows it.
        return gettext("You are doing this too often. Please wait %(wait)s and try again.") % {
            "wait": describe_wait(self.retry_after)
        }


def too_many_requests(response: HttpResponse, refusal: RateLimited) -> HttpResponse:
    """Make ``response`` (a re-rendered form, say) the 429 that ``refusal`` calls for."""
    response.status_code = 429
    response["Retry-After"] = str(refusal.retry_after)
    return response


@dataclass
class Usage:
    """The counters one allowed attempt increased, to take it back (:meth:`refund`)."""

    keys: list[str] = field(default_factory=list)

    def refund(self) -> None:
        _decrement(self.keys)


def warn_cache_failure(error: Exception) -> None:
    """Log that a limit could not count (the cache failed), at most once a minute."""
    now = time.monotonic()
    with _warn_lock:
        if now - _warned_at[0] < WARN_EVERY_SECONDS:
            return
        _warned_at[0] = now
    logger.warning("Rate limits are off: the cache failed (%s: %s)", type(error).__name__, error)


def _ident(
    rate: Rate, request: HttpRequest | None, user: User | AnonymousUser | None, key: str | None
) -> str | None:
    """What this rate counts per, or None when it does not apply (no user, no key)."""
    if rate.per == "user":
        if user is None or not getattr(user, "is_authenticated", False):
            return None
        return f"u{user.pk}"
    if rate.per == "ip":
        return "ip:" + address_bucket(client_ip(request)) if request is not None else None
    if key is None:
        return None
    # Hashed: keys are e-mail addresses, which have no business sitting in Redis.
    return "k" + hashlib.sha256(key.lower().encode()).hexdigest()[:32]


def _increment(cache: Any, key: str, timeout: int) -> int:
    if cache.add(key, 1, timeout):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # It expired between the two calls: a new window.
        cache.set(key, 1, timeout)
        return 1


def _decrement(keys: list[str]) -> None:
    try:
        cache = shared_cache()
        for key in keys:
            # ValueError: it expired meanwhile, so there is nothing left to take back.
            with contextlib.suppress(ValueError):
                cache.decr(key)
    except Exception as error:  # Fail open, as in limit().
        warn_cache_failure(error)


def limit(
    request: HttpRequest | None,
    action: str,
    *,
    user: User | AnonymousUser | None = None,
    key: str | None = None,
) -> Usage:
    """Count one attempt at ``action``; :class:`RateLimited` if it is one too many.

    ``user`` defaults to ``request.user`` (pass it for API callers: a token's owner is
    ``request.auth``). ``user`` rates do not apply to visitors, nor ``key`` rates
    without a ``key``.
    """
    rates = rates_for(action)
    if not rates:
        return Usage()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    now = time.time()
    counted: list[str] = []
    waits: list[float] = []
    try:
        cache = shared_cache()
        for rate in rates:
            ident = _ident(rate, request, user, key)
            if ident is None:
                continue
            window = int(now // rate.seconds)
            cache_key = f"rl:{action}:{rate.amount}/{rate.seconds}:{ident}:{window}"
            # The key lives a little past its window's end, then goes by itself.
            count = _increment(cache, cache_key, rate.seconds + 1)
            counted.append(cache_key)
            if count > rate.amount:
                waits.append((window + 1) * rate.seconds - now)
    except Exception as error:
        # Whatever the cache raised (redis.ConnectionError, a timeout…): a limit that
        # cannot count lets people through rather than shutting the site.
        warn_cache_failure(error)
        return Usage()
    if waits:
        _decrement(counted)
        raise RateLimited(action, max(waits))
    return Usage(counted)
