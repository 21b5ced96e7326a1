"""The safety pathway: screen → flag → tell the writer, alert moderators → escalate.

Every capability that stores text people write calls :func:`screen_text` inside the
transaction that stores it, and shows the writer the support panel when the outcome
says so.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from kindred.accounts.models import User
from kindred.audit.actions import record_event
from kindred.core.events import role_group, send_event_on_commit, user_group
from kindred.core.mail import send_mail_later
from kindred.core.notifications import do_notify
from kindred.core.roles import Role
from kindred.safety import audit_names as safety_audit
from kindred.safety import clinical, outreach
from kindred.safety.access import forget_blocks
from kindred.safety.events import (
    flag_escalated,
    flag_raised,
    flag_updated,
    support_offered,
)
from kindred.safety.models import (
    SAFETY_PLAN_SECTIONS,
    Block,
    Flag,
    FlagKind,
    FlagOutcome,
    FlagReport,
    FlagStatus,
    ModeratorDuty,
    SafetyPlan,
)
from kindred.safety.screening import ScreenResult, level_at_least, screen

logger = logging.getLogger(__name__)

FLAG_LEVEL = "moderate"


class SafetyActionError(Exception):
    """The action cannot be done in the flag's current state (shown to the moderator)."""


@dataclass(frozen=True)
class ScreenOutcome:
    result: ScreenResult
    flag: Flag | None
    # Show the writer crisis resources and their safety plan, privately, now.
    support: bool
    # Keep the text from other people until a moderator has reviewed it.
    hold: bool


def policy_for(area: str, level: str) -> str:
    policies: dict[str, dict[str, str]] = settings.SAFETY_POLICIES
    return policies.get(area, policies["default"]).get(level, "show")


def screen_for(text: str, *, area: str, earlier: Sequence[str] = ()) -> ScreenResult:
    """The screen's verdict on ``text`` written in ``area``, with no side effects.

    ``earlier``: what the same person wrote just before, oldest first. "tonight" or "I've
    got them here" after that person said they want to die is imminent risk; alone it is
    nothing. Only the writer's own words go here: someone else's disclosure followed by
    "I'm online tonight if you need me" is support, not risk.

    Callers on a hot path (room messages) call this first, off the database thread and
    outside any transaction, and hand the result to :func:`screen_text`, so the model does
    not run while a row lock is held.
    """
    del area  # Policies differ by area; the screen's reading of the words does not.
    return screen(text, context="\n".join(t for t in earlier if t.strip()))


def screen_text(
    author: User,
    text: str,
    *,
    area: str,
    source_type: str,
    source_id: str | int = "",
    context: str = "",
    scope: str = "",
    clinicians: Iterable[User] = (),
    prescreened: ScreenResult | None = None,
    earlier: Sequence[str] = (),
) -> ScreenOutcome:
    """Screen ``text`` written by ``author``; raise a flag at ``moderate`` or above.

    ``clinicians``: for a clinical ``scope``, the therapist(s) who may read the text
    (see :func:`do_raise_flag`). ``earlier``: see :func:`screen_for`.
    """
    result = (
        prescreened if prescreened is not None else screen_for(text, area=area, earlier=earlier)
    )
    if not level_at_least(result.level, FLAG_LEVEL):
        return ScreenOutcome(result, None, support=result.level == "low", hold=False)
    flag = do_raise_flag(
        kind=FlagKind.RISK,
        subject=author,
        text=text,
        result=result,
        source_type=source_type,
        source_id=str(source_id),
        context=context or area,
        scope=scope or area,
        clinicians=clinicians,
    )
    return ScreenOutcome(result, flag, support=True, hold=policy_for(area, result.level) == "hold")


def on_duty_moderators() -> QuerySet[User]:
    moderators = User.objects.filter(roles__role=Role.MODERATOR, is_active=True)
    on_duty = moderators.filter(duty__on_duty=True)
    # Nobody on duty is no reason to alert nobody.
    return on_duty if on_duty.exists() else moderators


def do_raise_flag(
    *,
    kind: str,
    subject: User | None,
    text: str,
    result: ScreenResult | None = None,
    source_type: str = "",
    source_id: str = "",
    context: str = "",
    reporter: User | None = None,
    reason: str = "",
    level: str | None = None,
    scope: str = "",
    report_key: str = "",
    clinicians: Iterable[User] = (),
) -> Flag:
    """Raise a flag and alert whoever answers it first.

    A flag in a clinical scope (``CLINICAL_SCOPES``) goes to ``clinicians`` — the treating
    therapist(s) — only, and its text stays private to them (kindred/safety/clinical.py);
    ``clinicians`` is ignored for any other scope.
    """
    with transaction.atomic():
        flag = Flag.objects.create(
            kind=kind,
            subject=subject,
            reporter=reporter,
            text=text,
            level=result.level if result else (level or "none"),
            score=result.score if result else 0.0,
            signals=list(result.signals) if result else [],
            source_type=source_type,
            source_id=source_id,
            context=context,
            reason=reason,
            scope=scope,
            report_key=report_key,
        )
        record_event(
            actor=reporter,
            event=safety_audit.FLAG_RAISED,
            target=flag,
            changes={"kind": kind, "level": flag.level, "source_type": source_type},
        )
        title = (
            f"A {flag.level}-risk flag needs a moderator"
            if kind != FlagKind.REPORT
            else "A member report needs a moderator"
        )
        if flag.is_clinical:
            clinical.do_route(flag, clinicians, on_call=on_duty_moderators())
        else:
            do_notify(
                on_duty_moderators(),
                kind="safety.flag",
                title=title,
                url=f"/moderation/flags/{flag.pk}/",
            )
        send_event_on_commit(
            role_group(Role.MODERATOR),
            flag_raised(id=flag.pk, level=flag.level, kind=kind),
        )
        if subject is not None and kind != FlagKind.REPORT:
            send_event_on_commit(user_group(subject.pk), support_offered(level=flag.level))
        delay = escalation_delay(flag.level)
        if delay is not None:
            transaction.on_commit(lambda: _schedule_escalation(flag.pk, delay))
    return flag


def escalation_delay(level: str) -> int | None:
    delays: dict[str, int] = settings.SAFETY_ESCALATE_AFTER_SECONDS
    return delays.get(level)


def _schedule_escalation(flag_id: int, delay: int) -> None:
    """Set the flag's timer (runs after commit).

    The timer is only the fast path: it lives in the task queue (Redis in production),
    which an outage or restart can wipe. The source of truth is the database, swept every
    minute by ``escalate_overdue`` (``escalate_overdue_flags``), so a timer that cannot
    be set, or is lost, delays an escalation by at most a minute and a queue error never
    fails the write that raised the flag.
    """
    from kindred.safety.tasks import escalate_flag

    try:
        escalate_flag.schedule(args=(flag_id,), delay=delay)
    except Exception as error:
        logger.warning(
            "Escalation timer for flag %s not set (%s); the minute sweep will escalate it",
            flag_id,
            type(error).__name__,
        )


def _overdue(flag: Flag, now: datetime) -> bool:
    delay = escalation_delay(flag.level)
    return delay is not None and flag.created_at + timedelta(seconds=delay) <= now


def escalate_overdue_flags(now: datetime | None = None) -> list[Flag]:
    """Escalate every open, unacknowledged flag past its deadline. ``now`` is injectable for tests."""
    now = now or timezone.now()
    escalated: list[Flag] = []
    candidates = Flag.objects.filter(
        status=FlagStatus.OPEN, escalated_at__isnull=True, level__in=["moderate", "high"]
    )
    for flag_id in candidates.values_list("pk", flat=True):
        flag = _escalate_one(flag_id, now)
        if flag is not None:
            escalated.append(flag)
    return escalated


def _escalate_one(flag_id: int, now: datetime) -> Flag | None:
    with transaction.atomic():
        # Row lock: the periodic sweep and the flag's own timer may run at once.
        flag = Flag.objects.select_for_update().filter(pk=flag_id).first()
        if (
            flag is None
            or flag.status != FlagStatus.OPEN
            or flag.escalated_at
            or not _overdue(flag, now)
        ):
            return None
        flag.escalated_at = now
        flag.save(update_fields=["escalated_at"])
        record_event(
            actor=None,
            event=safety_audit.FLAG_ESCALATED,
            target=flag,
            changes={"level": flag.level},
        )
        staff = list(User.objects.filter(roles__role=Role.STAFF, is_active=True))
        if flag.is_clinical:
            # Its therapist did not answer: on-call moderators are told as well as staff,
            # without the content.
            clinical.notify_escalated(flag, staff=staff, on_call=on_duty_moderators())
            send_event_on_commit(
                role_group(Role.STAFF),
                flag_escalated(id=flag.pk, level=flag.level),
            )
            return flag
        url = f"/staff/flags/{flag.pk}/"
        do_notify(
            staff,
            kind="safety.escalation",
            title=f"Unacknowledged {flag.level}-risk flag #{flag.pk}",
            url=url,
        )
        send_event_on_commit(role_group(Role.STAFF), flag_escalated(id=flag.pk, level=flag.level))
        subject = f"[Kindred] Unacknowledged {flag.level}-risk flag #{flag.pk}"
        # No content in email: it leaves our servers.
        body = (
            f"A {flag.level}-risk flag raised at {flag.created_at:%Y-%m-%d %H:%M} UTC has not been acknowledged.\n"
            f"Open it: {settings.SITE_URL}{url}\n"
        )
        # Queued for after commit (kindred.core.mail): the in-app notifications above
        # never wait for a mail server.
        send_mail_later("safety.escalation", subject, body, [u.email for u in staff])
    return flag


def _transition(
    flag: Flag, actor: User, event: str, fields: dict[str, object], changes: Mapping[str, object]
) -> Flag:
    with transaction.atomic():
        locked = Flag.objects.select_for_update().get(pk=flag.pk)
        if not locked.is_open:
            raise SafetyActionError(_("This flag is already closed."))
        for key, value in fields.items():
            setattr(locked, key, value)
        locked.save(update_fields=list(fields))
        record_event(actor=actor, event=event, target=locked, changes=changes)
        send_event_on_commit(
            role_group(Role.MODERATOR),
            flag_updated(id=locked.pk, status=locked.status),
        )
    return locked


def do_acknowledge(moderator: User, flag: Flag) -> Flag:
    if flag.status != FlagStatus.OPEN:
        raise SafetyActionError(_("Only an open flag can be acknowledged."))
    return _transition(
        flag,
        moderator,
        safety_audit.FLAG_ACKNOWLEDGED,
        {
            "status": FlagStatus.ACKNOWLEDGED,
            "acknowledged_at": timezone.now(),
            "acknowledged_by": moderator,
        },
        {"status": FlagStatus.ACKNOWLEDGED},
    )


def treating_therapists(member: User | None) -> QuerySet[User]:
    """Therapists currently treating ``member`` (an upcoming or recently attended booking)."""
    from kindred.bookings.relationships import treating_therapists as lookup

    result: QuerySet[User] = lookup(member)
    return result


def do_hand_over(moderator: User, flag: Flag, therapist: User) -> Flag:
    if (
        flag.subject is None
        or not treating_therapists(flag.subject).filter(pk=therapist.pk).exists()
    ):
        raise SafetyActionError(_("That therapist is not treating this member."))
    with transaction.atomic():
        flag = _transition(
            flag,
            moderator,
            safety_audit.FLAG_HANDED_OVER,
            {"status": FlagStatus.HANDED_OVER, "handed_to": therapist},
            {"therapist": therapist.pk},
        )
        do_notify(
            [therapist],
            kind="safety.handover",
            title="A client of yours may be at risk",
            url=f"/therapist/flags/{flag.pk}/",
        )
    return flag


def do_resolve(moderator: User, flag: Flag, outcome: str, note: str = "") -> Flag:
    if outcome not in FlagOutcome.values:
        raise SafetyActionError(_("Choose an outcome."))
    return _transition(
        flag,
        moderator,
        safety_audit.FLAG_RESOLVED,
        {
            "status": FlagStatus.RESOLVED,
            "resolved_at": timezone.now(),
            "resolved_by": moderator,
            "outcome": outcome,
            "outcome_note": note.strip(),
        },
        {"outcome": outcome},
    )


def do_set_duty(moderator: User, on_duty: bool) -> None:
    with transaction.atomic():
        ModeratorDuty.objects.update_or_create(moderator=moderator, defaults={"on_duty": on_duty})
        record_event(
            actor=moderator,
            event=safety_audit.DUTY_CHANGED,
            target=moderator,
            changes={"on_duty": on_duty},
        )


REPORT_REASONS = (
    ("risk", _lazy("I think this person may be at risk")),
    ("harassment", _lazy("Harassment or bullying")),
    ("hate", _lazy("Hateful content")),
    ("unsafe_advice", _lazy("Unsafe medical or method advice")),
    ("spam", _lazy("Spam or advertising")),
    ("privacy", _lazy("Shares someone's private information")),
    ("other", _lazy("Something else")),
)


class ReportLimitReached(SafetyActionError):
    """The member has sent as many reports this hour as one person may (HTTP 429);
    ``retry_after``: seconds until the oldest of them is an hour old."""

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = max(1, math.ceil(retry_after))


def report_limit_text() -> str:
    limit = settings.SAFETY_REPORTS_PER_HOUR
    return ngettext(
        "You have sent %(n)d report in the last hour, which is as many as we take from one "
        "person. Thank you: the moderators are looking at it. Please try again later. If "
        "someone is in danger right now, use Get help now.",
        "You have sent %(n)d reports in the last hour, which is as many as we take from one "
        "person. Thank you: the moderators are looking at them. Please try again later. If "
        "someone is in danger right now, use Get help now.",
        limit,
    ) % {"n": limit}


def _report_key(subject: User | None, source_type: str, source_id: str) -> str:
    """What the report is about, so reports of the same thing meet in one flag.

    An item's key names the person reported too: both people in a peer connection can
    report the other through the same connection, and those are two different flags.
    """
    about = f":{subject.pk}" if subject is not None else ""
    if source_type and source_id:
        return f"{source_type}:{source_id}{about}"[:120]
    if subject is not None:
        return f"user:{subject.pk}"
    return ""


def _open_report_flag(key: str) -> Flag | None:
    """The open report flag for ``key``, row-locked (caller is inside a transaction)."""
    if not key:
        return None
    open_statuses = [FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED]
    return (
        Flag.objects.select_for_update()
        .filter(kind=FlagKind.REPORT, report_key=key, status__in=open_statuses)
        .first()
    )


def report_ref(flag: Flag) -> tuple[str, int, dict[str, str]]:
    """What an idempotency key keeps of a report (kindred.core.idempotency): no text."""
    return f"safety.flag:{flag.pk}", 201, {}


def do_report(
    reporter: User,
    *,
    reason: str,
    details: str = "",
    subject: User | None = None,
    source_type: str = "",
    source_id: str = "",
    quoted_text: str = "",
    scope: str = "",
) -> Flag:
    """Report a person or an item to the moderators.

    At most ``SAFETY_REPORTS_PER_HOUR`` per member (:class:`ReportLimitReached`). A report
    of something that already has an open report flag joins that flag (counted, the
    reporter added) instead of raising another one, so moderators and staff are alerted,
    timed and emailed once per reported thing, however many people report it.
    """
    if reason not in dict(REPORT_REASONS):
        raise SafetyActionError(_("Choose a reason."))
    if subject is not None and subject.pk == reporter.pk:
        raise SafetyActionError(_("You cannot report yourself."))
    key = _report_key(subject, source_type, source_id)
    level = "high" if reason == "risk" else "none"
    with transaction.atomic():
        # Row lock on the reporter: one member's reports are counted and stored one at a
        # time, so two sent at once cannot both slip under the limit.
        list(User.objects.select_for_update().filter(pk=reporter.pk).values_list("pk"))
        since = timezone.now() - timedelta(hours=1)
        recent = FlagReport.objects.filter(reporter=reporter, created_at__gte=since)
        if recent.count() >= settings.SAFETY_REPORTS_PER_HOUR:
            oldest = recent.order_by("created_at").values_list("created_at", flat=True)[0]
            wait = (oldest - since).total_seconds()
            raise ReportLimitReached(report_limit_text(), retry_after=wait)
        flag = _open_report_flag(key)
        if flag is None:
            try:
                # A savepoint: when another member's report of the same thing commits
                # first, the constraint refuses this flag and only it is rolled back.
                with transaction.atomic():
                    flag = do_raise_flag(
                        kind=FlagKind.REPORT,
                        subject=subject,
                        text=quoted_text or details,
                        source_type=source_type,
                        source_id=source_id,
                        context="report"
                        + (f": {details[:100]}" if details and quoted_text else ""),
                        reporter=reporter,
                        reason=reason,
                        # A worried member is a risk signal in itself: the high-risk clock.
                        level=level,
                        scope=scope or "report",
                        report_key=key,
                    )
                    FlagReport.objects.create(
                        flag=flag, reporter=reporter, reason=reason, details=details
                    )
                    return flag
            except IntegrityError:
                flag = _open_report_flag(key)
                if flag is None:
                    raise
        _join_report(flag, reporter, reason, details, level)
    return flag


def _join_report(flag: Flag, reporter: User, reason: str, details: str, level: str) -> None:
    """Add a report to an open flag the caller holds locked: no new alert, no new timer.

    The one exception is a report that someone may be at risk joining a flag raised for
    something less urgent: the flag moves to the high-risk clock (its first timer, so
    still one escalation at most) and the moderators on duty are told once.
    """
    _report, created = FlagReport.objects.get_or_create(
        flag=flag, reporter=reporter, defaults={"reason": reason, "details": details}
    )
    if not created:
        return  # The same member again: nothing new for the moderators.
    changes: dict[str, object] = {"reason": reason, "reports": flag.reports.count()}
    if level == "high" and flag.level != "high":
        flag.level = "high"
        flag.save(update_fields=["level"])
        changes["level"] = "high"
        do_notify(
            on_duty_moderators(),
            kind="safety.flag",
            title=_("A member report now says someone may be at risk"),
            url=f"/moderation/flags/{flag.pk}/",
        )
        delay = escalation_delay("high")
        if delay is not None and flag.status == FlagStatus.OPEN and flag.escalated_at is None:
            flag_id = flag.pk
            transaction.on_commit(lambda: _schedule_escalation(flag_id, delay))
    record_event(actor=reporter, event=safety_audit.FLAG_REPORT_ADDED, target=flag, changes=changes)
    send_event_on_commit(
        role_group(Role.MODERATOR),
        flag_updated(id=flag.pk, status=flag.status),
    )


def do_block(user: User, other: User) -> bool:
    if user.pk == other.pk:
        raise SafetyActionError(_("You cannot block yourself."))
    # Imported here: the care app depends on safety, not the other way round.
    from kindred.consent.actions import do_end_grants_between

    with transaction.atomic():
        _block, created = Block.objects.get_or_create(blocker=user, blocked=other)
        if created:
            record_event(actor=user, event=safety_audit.BLOCKED, target=other)
            # Sharing never outlives trust: a block ends what either shared with the other.
            do_end_grants_between(user, other, reason="blocked")
            do_end_grants_between(other, user, reason="blocked")
    forget_blocks(user, other)
    return created


def do_unblock(user: User, other: User) -> bool:
    with transaction.atomic():
        deleted, _ = Block.objects.filter(blocker=user, blocked=other).delete()
        if deleted:
            record_event(actor=user, event=safety_audit.UNBLOCKED, target=other)
    forget_blocks(user, other)
    return bool(deleted)


def do_save_safety_plan(
    owner: User, sections: dict[str, list[str]], reasons_for_living: str = ""
) -> SafetyPlan:
    allowed = {key for key, _, _ in SAFETY_PLAN_SECTIONS}
    clean = {
        key: [item.strip()[:500] for item in items if item and item.strip()][:20]
        for key, items in sections.items()
        if key in allowed
    }
    with transaction.atomic():
        plan, _ = SafetyPlan.objects.select_for_update().get_or_create(owner=owner)
        plan.sections = clean
        plan.reasons_for_living = reasons_for_living.strip()[:2000]
        plan.save(update_fields=["sections", "reasons_for_living", "updated_at"])
        # Which sections changed, never what they say.
        record_event(
            actor=owner,
            event=safety_audit.PLAN_SAVED,
            target=plan,
            changes={"sections": sorted(k for k, v in clean.items() if v)},
        )
    return plan


# --- The treating therapist's side of a hand-over ----------------------------------------
# Callers checked ``access_handed_over_flag``: the flag was handed to this therapist.

THERAPIST_OUTCOMES = (
    FlagOutcome.SUPPORTED,
    FlagOutcome.REFERRED,
    FlagOutcome.THERAPIST,
    FlagOutcome.NO_RISK,
    FlagOutcome.NO_ACTION,
)


def _lock_handover(therapist: User, flag: Flag) -> Flag:
    """The flag, row-locked, while it is still handed over to ``therapist``."""
    locked = Flag.objects.select_for_update().get(pk=flag.pk)
    if locked.status != FlagStatus.HANDED_OVER or locked.handed_to_id != therapist.pk:
        raise SafetyActionError(_("This flag is already closed."))
    return locked


def _handover_changed(
    therapist: User, flag: Flag, event: str, changes: Mapping[str, object]
) -> None:
    record_event(actor=therapist, event=event, target=flag, changes=changes)
    send_event_on_commit(role_group(Role.MODERATOR), flag_updated(id=flag.pk, status=flag.status))


def do_acknowledge_handover(therapist: User, flag: Flag) -> Flag:
    """The therapist has it: the moderators see when, on the flag."""
    with transaction.atomic():
        locked = _lock_handover(therapist, flag)
        if locked.handover_acknowledged_at is not None:
            raise SafetyActionError(_("You have acknowledged this already."))
        locked.handover_acknowledged_at = timezone.now()
        locked.save(update_fields=["handover_acknowledged_at"])
        _handover_changed(therapist, locked, safety_audit.HANDOVER_ACKNOWLEDGED, {})
    return locked


def do_message_from_handover(therapist: User, flag: Flag, body: str) -> outreach.Sent:
    """Write to the member in their secure conversation with this therapist
    (:mod:`kindred.safety.outreach`); the flag records that the therapist reached out and
    counts as acknowledged."""
    send = outreach.messenger()
    if send is None:
        raise SafetyActionError(_("Secure messages are not available on this site."))
    if flag.subject is None:
        raise SafetyActionError(_("This flag has no person to write to."))
    if not treating_therapists(flag.subject).filter(pk=therapist.pk).exists():
        raise SafetyActionError(
            _("You are not treating this member any more, so secure messages cannot be sent.")
        )
    with transaction.atomic():
        locked = _lock_handover(therapist, flag)
        sent = send(therapist, flag.subject, body)
        if locked.handover_acknowledged_at is None:
            locked.handover_acknowledged_at = timezone.now()
            locked.save(update_fields=["handover_acknowledged_at"])
        _handover_changed(
            therapist,
            locked,
            safety_audit.HANDOVER_MESSAGED,
            {"conversation": sent.conversation_id, "message": sent.message_id},
        )
    return sent


def do_resolve_handover(therapist: User, flag: Flag, outcome: str, note: str = "") -> Flag:
    if outcome not in THERAPIST_OUTCOMES:
        raise SafetyActionError(_("Choose an outcome."))
    with transaction.atomic():
        locked = _lock_handover(therapist, flag)
        now = timezone.now()
        locked.status = FlagStatus.RESOLVED
        locked.resolved_at = now
        locked.resolved_by = therapist
        locked.outcome = outcome
        locked.outcome_note = note.strip()
        locked.handover_acknowledged_at = locked.handover_acknowledged_at or now
        locked.save(
            update_fields=[
                "status",
                "resolved_at",
                "resolved_by",
                "outcome",
                "outcome_note",
                "handover_acknowledged_at",
            ]
        )
        _handover_changed(therapist, locked, safety_audit.FLAG_RESOLVED, {"outcome": outcome})
    return locked
