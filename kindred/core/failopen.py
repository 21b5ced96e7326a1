"""A cache that behaves as an empty one while the real one fails, for rate limits only.

allauth counts its limits (sign-up, password reset, e-mail confirmation, second-factor
codes…) in Django's default cache and lets a cache error through: with Redis down,
those pages answered 500. :func:`kindred.accounts.apps` hands allauth's limiter this
wrapper instead, so with the cache down the limits are off (a warning is logged, at
most once a minute, by kindred.core.ratelimit) and the pages work, as ours do.

Only for counters whose loss is harmless: a read answers "nothing stored", a write is
dropped, and ``add`` answers True so allauth's short lock is taken.
"""

from __future__ import annotations

from typing import Any

from kindred.core.ratelimit import warn_cache_failure


class FailOpenCache:
    def __init__(self, cache: Any) -> None:
        self._cache = cache

    def get(self, key: str, default: Any = None, **kwargs: Any) -> Any:
        try:
            return self._cache.get(key, default, **kwargs)
        except Exception as error:
            warn_cache_failure(error)
            return default

    def add(self, key: str, value: Any, *args: Any, **kwargs: Any) -> bool:
        try:
            return bool(self._cache.add(key, value, *args, **kwargs))
        except Exception as error:
            warn_cache_failure(error)
            return True

    def set(self, key: str, value: Any, *args: Any, **kwargs: Any) -> None:
        try:
            self._cache.set(key, value, *args, **kwargs)
        except Exception as error:
            warn_cache_failure(error)

    def delete(self, key: str, *args: Any, **kwargs: Any) -> bool:
        try:
            return bool(self._cache.delete(key, *args, **kwargs))
        except Exception as error:
            warn_cache_failure(error)
            return False
