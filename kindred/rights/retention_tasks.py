"""The daily retention sweep (docs/retention.md)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="23", hour="3"))
def apply_retention() -> int:
    """At a quiet hour; returns the number of rows removed or anonymised."""
    from kindred.rights.retention_actions import do_apply_retention

    return sum(do_apply_retention().values())
