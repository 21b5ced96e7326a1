from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(hour="7", minute="0"))
def daily_digest() -> int:
    from kindred.core.digest import send_digests

    return send_digests()
