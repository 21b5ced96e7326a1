"""Which apps have demo data, in the order their loaders run."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from django.db import transaction

from kindred.accounts.demo import DemoContext, ensure_demo_allowed

# Dependency order: accounts makes the personas everyone else uses; groups need the
# community spaces; care shares with the team that groups and peers put together;
# bookings opens hours for the therapists that therapy lists.
APPS: tuple[str, ...] = (
    "accounts",
    "community",
    "groups",
    "peers",
    "care",
    "guide",
    "therapy",
    "bookings",
)

Loader = Callable[[DemoContext], None]


def loader_for(app: str) -> Loader:
    loader: Loader = import_module(f"kindred.{app}.demo").load
    return loader


def load_all(say: Callable[[str], None]) -> DemoContext:
    """Every app's demo data, all or nothing. Refused outside demo mode."""
    ensure_demo_allowed()
    ctx = DemoContext(say=say)
    with transaction.atomic():
        for app in APPS:
            loader_for(app)(ctx)
    return ctx
