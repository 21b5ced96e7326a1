from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import close_db, db_periodic_task, db_task, on_startup
from huey.exceptions import RetryTask

from kindred.core import mail as _mail


@db_task(retries=_mail.RETRIES, retry_delay=_mail.RETRY_DELAY, retry_backoff=_mail.RETRY_BACKOFF)
def deliver_email(message: _mail.Mail) -> None:
    """One e-mail (kindred.core.mail); raising MailNotSent makes huey retry it later.

    Queued with ``priority=mail_priority(kind)`` (kindred.core.mail.queue_mail). When
    this process's mail slots are all taken it goes back on the queue for a moment:
    RetryTask keeps its retries and its priority.
    """
    try:
        _mail.deliver(message)
    except _mail.MailBusy:
        raise RetryTask(delay=_mail.BUSY_DELAY) from None


@db_periodic_task(crontab(minute="37"))
def delete_expired_idempotency_keys() -> int:
    """Keys answer retries for 24 hours (kindred.core.idempotency)."""
    from kindred.core.idempotency import delete_expired

    return delete_expired()


@db_periodic_task(crontab(minute="*"))
def heartbeat() -> None:
    """Tells /healthz that a worker is taking tasks off the queue (kindred.core.health)."""
    from kindred.core.health import record_heartbeat

    record_heartbeat()


@on_startup()
@close_db
def _beat_on_start() -> None:
    # A worker that just started is alive before its first periodic minute.
    from kindred.core.health import record_heartbeat

    record_heartbeat(scheduled=False)
