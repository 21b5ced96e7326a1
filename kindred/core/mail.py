"""Outgoing e-mail: queued, then sent by its own retried task, never on a request's path.

A mail server that is down or hangs must not turn a stored booking into a 500, nor hold
the task thread that escalates a safety flag. So every e-mail is one task
(:func:`kindred.core.tasks.deliver_email`) per recipient, queued after the transaction
that caused it commits, sent with ``EMAIL_TIMEOUT`` and retried with backoff
(``RETRY_DELAYS``). In-app notifications are written by the callers before any of this
and never wait for it.

A failure is remembered without content (:func:`record_mail_failure`: the mail's kind
and the error's class) for /healthz.

Two things keep a hung server from holding up the safety work that shares the task
threads. Mail is queued at a lower priority than escalations (``PRIORITY_*`` in
:mod:`kindred.core.taskqueue`), so an escalation never waits behind queued mail. And a
worker process tries at most ``MAIL_CONCURRENCY`` e-mails at once, fewer than its
threads (:func:`deliver`): a mail task that finds every slot taken goes back on the queue
for ``BUSY_DELAY`` seconds (no retry used up) instead of waiting, so a thread is always
free even before the first timeout has paused mail. If the queue itself cannot take the task (Redis
down), the e-mail is sent right away, still bounded by ``EMAIL_TIMEOUT``, and a failure
there is logged and remembered, never raised: the change that caused the mail is
already stored.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger("kindred.mail")

# Seconds before each retry: 30 s doubling to 16 minutes, about half an hour in all.
RETRY_DELAY = 30
RETRY_BACKOFF = 2
RETRIES = 6

MAIL_FAILURE = "mail.failure"
PAUSE_AFTER_FAILURE = 20.0
_failed_at = [-math.inf]

# Seconds a mail task that found every mail slot taken waits before it tries again.
BUSY_DELAY = 2.0
# One semaphore per MAIL_CONCURRENCY value, so a changed setting (tests) takes effect.
_slots: dict[int, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()


@dataclass(frozen=True)
class Mail:
    """One e-mail to one recipient. ``kind`` names it in logs and /healthz (no content)."""

    kind: str
    subject: str
    body: str
    to: str
    from_email: str = ""
    # (content, MIME type), e.g. an HTML part.
    alternatives: tuple[tuple[str, str], ...] = ()
    # (file name, content, MIME type), e.g. a calendar file.
    attachments: tuple[tuple[str, str, str], ...] = field(default=())
    # "html" when the body itself is HTML (allauth without a text template).
    subtype: str = "plain"

    def message(self) -> EmailMultiAlternatives:
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.body,
            from_email=self.from_email or settings.DEFAULT_FROM_EMAIL,
            to=[self.to],
        )
        message.content_subtype = self.subtype
        for content, mimetype in self.alternatives:
            message.attach_alternative(content, mimetype)
        for name, content, mimetype in self.attachments:
            message.attach(name, content, mimetype)
        return message


class MailNotSent(Exception):
    """Raised by the mail task so that huey retries it; names no address or content."""


class MailBusy(Exception):
    """Every mail slot of this process is taken; the mail was not tried."""


def send_mail_later(
    kind: str,
    subject: str,
    body: str,
    recipients: list[str],
    *,
    attachments: tuple[tuple[str, str, str], ...] = (),
) -> None:
    """Queue one e-mail per recipient once the current transaction commits.

    Outside a transaction it is queued at once. Recipients without an address are skipped.
    """
    for to in recipients:
        if to:
            mail = Mail(kind=kind, subject=subject, body=body, to=to, attachments=attachments)
            transaction.on_commit(partial(queue_mail, mail), robust=True)


def mail_from_message(kind: str, message: EmailMessage) -> list[Mail]:
    """``message`` (rendered elsewhere, e.g. by allauth) as one :class:`Mail` per recipient."""
    alternatives = tuple((str(alt[0]), str(alt[1])) for alt in getattr(message, "alternatives", ()))
    return [
        Mail(
            kind=kind,
            subject=str(message.subject),
            body=str(message.body),
            to=to,
            from_email=str(message.from_email or ""),
            alternatives=alternatives,
            subtype=message.content_subtype,
        )
        for to in message.to
        if to
    ]


def queue_mail(mail: Mail) -> None:
    """Hand ``mail`` to the mail task now; never raises."""
    from kindred.core.taskqueue import mail_priority
    from kindred.core.tasks import deliver_email

    try:
        deliver_email(mail, priority=mail_priority(mail.kind))
    except Exception as error:
        # The queue is down (Redis). Sending here is bounded by EMAIL_TIMEOUT.
        logger.warning(
            "Mail %s could not be queued (%s); sending it now", mail.kind, type(error).__name__
        )
        try:
            send_now(mail)
        except MailNotSent:
            logger.error("Mail %s was not sent and could not be queued for a retry", mail.kind)


def mail_slots() -> threading.BoundedSemaphore:
    size = max(1, int(settings.MAIL_CONCURRENCY))
    with _slots_lock:
        if size not in _slots:
            _slots[size] = threading.BoundedSemaphore(size)
        return _slots[size]


def deliver(mail: Mail) -> None:
    """Send ``mail`` from the mail task, in one of this process's mail slots.

    Raises :class:`MailBusy` at once, without trying, when every slot is taken, and
    :class:`MailNotSent` as :func:`send_now` does.
    """
    _check_pause(mail)
    slots = mail_slots()
    if not slots.acquire(blocking=False):
        raise MailBusy(mail.kind)
    try:
        send_now(mail)
    finally:
        slots.release()


def _check_pause(mail: Mail) -> None:
    if time.monotonic() - _failed_at[0] < PAUSE_AFTER_FAILURE:
        raise MailNotSent(f"{mail.kind}: paused after a failure")


def send_now(mail: Mail) -> None:
    """Send ``mail``; on failure remember it and raise :class:`MailNotSent`.

    After a failure, mail in this process waits ``PAUSE_AFTER_FAILURE`` seconds before
    the next attempt (it is retried later), so once a hung server has timed out one
    attempt, the others fail fast instead of each holding a thread for ``EMAIL_TIMEOUT``.
    """
    _check_pause(mail)
    try:
        mail.message().send(fail_silently=False)
    except Exception as error:
        _failed_at[0] = time.monotonic()
        record_mail_failure(mail.kind, error)
        # No chained traceback: SMTP errors can quote addresses.
        raise MailNotSent(f"{mail.kind}: {type(error).__name__}") from None


def record_mail_failure(kind: str, error: Exception) -> None:
    from kindred.core.models import ServiceMark

    try:
        with transaction.atomic():
            ServiceMark.objects.update_or_create(
                name=MAIL_FAILURE,
                defaults={
                    "at": timezone.now(),
                    "detail": {"kind": kind, "error": type(error).__name__},
                },
            )
    except Exception:
        # Health bookkeeping must not hide the failure it is recording.
        logger.exception("Could not record a mail failure")
