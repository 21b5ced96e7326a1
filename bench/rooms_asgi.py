"""``kindred.asgi.application`` with the benchmark's room kind registered (bench only)."""

from __future__ import annotations

from bench.rooms_kind import register
from kindred.asgi import application

register()

__all__ = ["application"]
