"""Background work for accounts."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="17"))
def move_teens_who_came_of_age() -> int:
    """Hourly, so a birthday takes effect close to midnight in every time zone, even
    for a teen who does not come back to the site that day."""
    from kindred.accounts.actions import do_move_teens_who_came_of_age

    return do_move_teens_who_came_of_age()


@db_periodic_task(crontab(hour="7", minute="0"))
def daily_digest() -> int:
    from kindred.accounts.digest import send_digests

    return send_digests()
