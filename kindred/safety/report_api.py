"""Reports through the API: the body every report endpoint takes, and sending it once.

Each app that lets people report something (a post, a peer connection) has its own
endpoint, which finds the thing under its own access rules and calls this; what a report
says, how a retry with the same ``Idempotency-Key`` is answered, and how a refusal reads
are the same everywhere, so they are written here once.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy
from ninja import Field
from ninja.errors import HttpError
from pydantic import ConfigDict, field_validator

from kindred.accounts.models import User
from kindred.api.idempotency import request_key
from kindred.api.schemas import InputSchema
from kindred.core.idempotency import KeyReused, fingerprint, once, previous
from kindred.core.ratelimit import RateLimited
from kindred.safety.actions import (
    REPORT_REASONS,
    ReportLimitReached,
    SafetyActionError,
    report_ref,
)
from kindred.safety.models import Flag

REPORTED = gettext_lazy(
    "Thank you. A moderator will look at this. The person is not told who reported them."
)


class ReportIn(InputSchema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(description=", ".join(code for code, _ in REPORT_REASONS))
    details: str = Field(default="", max_length=2000)

    @field_validator("reason")
    @classmethod
    def known_reason(cls, value: str) -> str:
        if value not in dict(REPORT_REASONS):
            raise ValueError(
                gettext("Choose one of: %(reasons)s")
                % {"reasons": ", ".join(c for c, _ in REPORT_REASONS)}
            )
        return value


def send_report_once(
    request: HttpRequest,
    reporter: User,
    payload: ReportIn,
    *,
    action: str,
    target: object,
    report: Callable[[str], Flag],
) -> dict[str, str]:
    """Call ``report(details)`` unless this request's idempotency key already sent it.

    ``action`` and ``target`` name what is reported for the key's fingerprint. A member
    over their hourly number of reports gets 429; a refusal (reporting yourself, a key
    reused for another report) gets 422 with its reason.
    """
    details = payload.details.strip()
    key = request_key(request)
    print_ = fingerprint(action, target, [payload.reason, details])
    try:
        if previous(reporter, key, print_) is None:
            once(reporter, key, print_, lambda: report(details), report_ref)
    except ReportLimitReached as exc:
        raise RateLimited("safety.report", exc.retry_after, message=str(exc)) from None
    except (SafetyActionError, KeyReused) as exc:
        raise HttpError(422, str(exc)) from None
    return {"detail": str(REPORTED)}
