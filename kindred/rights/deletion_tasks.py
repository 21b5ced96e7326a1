"""Deletions that are due, and clinical records whose retention is over."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from kindred.rights.deletion import do_purge_expired_retention, do_run_due_deletions


@db_periodic_task(crontab(minute="41"))
def run_due_deletions() -> int:
    return do_run_due_deletions()


@db_periodic_task(crontab(hour="4", minute="11"))
def purge_expired_retention() -> int:
    return do_purge_expired_retention()
