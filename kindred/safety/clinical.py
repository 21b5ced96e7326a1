"""Flags on private clinical text: the treating therapist first, nobody else reads it.

A member's secure message to their therapist (scope ``therapy``) and a critical
questionnaire answer (scope ``measures``) are clinical content (kindred/messaging/access.py,
kindred/measures/access.py). A flag raised on either keeps that content private:

* it is routed to the treating therapist(s) — the therapist the message was written to,
  or every therapist treating the member when they answered — who are told at once, in
  the app and by email, and are the only people who read its text
  (:mod:`kindred.safety.access`; every read is audited and shown to the member);
* moderators and staff see the flag in the queue and on its page as "this member needs
  attention" — level, time, status, handle — never what was written, its signals or score;
* if none of them acknowledges it within the level's escalation window
  (``SAFETY_ESCALATE_AFTER_SECONDS``), staff and the on-call (on-duty) moderators are told
  that a member needs attention, without the content;
* a member with no treating therapist: the on-call moderators are told at once (in the
  app and by email, without the content), and staff as well after the window if nobody
  acknowledges it.

No message written here carries the content: emails leave our servers and notification
titles are pushed to open pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kindred.accounts.models import User
from kindred.audit.actions import record_event
from kindred.core.mail import send_mail_later
from kindred.core.notifications import do_notify
from kindred.core.roles import Role
from kindred.safety import audit_names as safety_audit
from kindred.safety.models import MEASURES_SCOPE, THERAPY_SCOPE, Flag

# A person to tell, and the page they open the flag on.
Recipient = tuple[User, str]

# What the flag was raised on, as said to the member in "who looked at what".
SOURCE_LABELS = {
    THERAPY_SCOPE: "a message to your therapist",
    MEASURES_SCOPE: "a questionnaire answer",
}


def staff_members() -> QuerySet[User]:
    return User.objects.filter(roles__role=Role.STAFF, is_active=True)


def source_label(flag: Flag) -> str:
    return SOURCE_LABELS.get(flag.scope, "something you wrote")


def do_route(flag: Flag, clinicians: Iterable[User], *, on_call: Iterable[User]) -> None:
    """Route a newly raised clinical flag: its therapist(s), or on-call at once if none.

    Precondition: inside the transaction that created ``flag``.
    """
    therapists = list(clinicians)
    if therapists:
        flag.clinicians.set(therapists)
        record_event(
            actor=None,
            event=safety_audit.FLAG_ROUTED,
            target=flag,
            changes={"to": "therapists", "therapists": [t.pk for t in therapists]},
        )
        _tell_therapists(flag, therapists)
        return
    record_event(
        actor=None,
        event=safety_audit.FLAG_ROUTED,
        target=flag,
        changes={"to": "on_call", "reason": "no treating therapist"},
    )
    # Nobody to tell is no reason to tell nobody: staff stand in for absent moderators.
    on_call = list(on_call)
    _tell(
        _team(flag, staff=[] if on_call else staff_members(), on_call=on_call),
        kind="safety.flag",
        title=_("A member needs attention now (%(level)s risk, private)") % {"level": flag.level},
        lines=[
            _(
                "A member raised a %(level)s-risk safety alert at %(time)s UTC on something "
                "private: %(source)s."
            )
            % {"level": flag.level, "time": f"{flag.created_at:%H:%M}", "source": _source(flag)},
            _(
                "They have no treating therapist on Kindred, so you are told at once. What "
                "they wrote is private clinical information and is not shown to you; please "
                "check on them."
            ),
        ],
    )


def notify_escalated(flag: Flag, *, staff: Sequence[User], on_call: Iterable[User]) -> None:
    """Nobody acknowledged a clinical flag in time: staff and on-call moderators are told
    that a member needs attention. Precondition: the caller holds the flag's row lock."""
    minutes = round((settings.SAFETY_ESCALATE_AFTER_SECONDS.get(flag.level) or 0) / 60)
    _tell(
        _team(flag, staff=staff, on_call=on_call),
        kind="safety.escalation",
        title=_("A member needs attention: private %(level)s-risk alert #%(id)s unacknowledged")
        % {"level": flag.level, "id": flag.pk},
        lines=[
            _(
                "A %(level)s-risk safety alert raised at %(time)s UTC on something private "
                "(%(source)s) has not been acknowledged within %(minutes)s minutes."
            )
            % {
                "level": flag.level,
                "time": f"{flag.created_at:%Y-%m-%d %H:%M}",
                "source": _source(flag),
                "minutes": minutes,
            },
            _(
                "What the member wrote is private clinical information and is not shown to "
                "you; please check on them."
            ),
        ],
    )


def _source(flag: Flag) -> str:
    # Said to moderators and staff: what kind of thing, never what it says.
    return {
        THERAPY_SCOPE: _("a secure message to their therapist"),
        MEASURES_SCOPE: _("a questionnaire answer"),
    }.get(flag.scope, _("private clinical information"))


def _tell_therapists(flag: Flag, therapists: list[User]) -> None:
    delay = settings.SAFETY_ESCALATE_AFTER_SECONDS.get(flag.level)
    deadline = flag.created_at + timedelta(seconds=delay) if delay is not None else None
    lines = [
        _(
            "Something a client of yours wrote on Kindred raised a %(level)s-risk safety "
            "alert at %(time)s UTC (%(source)s). Only their treating therapist can read it."
        )
        % {"level": flag.level, "time": f"{flag.created_at:%H:%M}", "source": _source(flag)},
    ]
    if deadline is not None:
        lines.append(
            _(
                "Please acknowledge it by %(deadline)s UTC; if nobody does, the on-call team "
                "is told that the member needs attention (without what they wrote)."
            )
            % {"deadline": f"{deadline:%H:%M}"}
        )
    _tell(
        [(therapist, f"/therapist/flags/{flag.pk}/") for therapist in therapists],
        kind="safety.clinical",
        title=_("A client of yours needs your attention now (%(level)s risk)")
        % {"level": flag.level},
        lines=lines,
    )


def _team(flag: Flag, *, staff: Iterable[User], on_call: Iterable[User]) -> list[Recipient]:
    """Each person once, with the area they open the flag in; both withhold the text."""
    people = {user.pk: (user, f"/staff/flags/{flag.pk}/") for user in staff}
    people.update({user.pk: (user, f"/moderation/flags/{flag.pk}/") for user in on_call})
    return list(people.values())


def _tell(recipients: list[Recipient], *, kind: str, title: str, lines: list[str]) -> None:
    """An in-app notification and an email to each person, with the link for their role."""
    by_url: dict[str, list[User]] = {}
    for person, url in recipients:
        by_url.setdefault(url, []).append(person)
    for url, group in by_url.items():
        # In-app first: the e-mail is queued for after commit and never delays this.
        do_notify(group, kind=kind, title=title, url=url)
        body = "\n\n".join([*lines, _("Open it: %(url)s") % {"url": settings.SITE_URL + url}])
        send_mail_later(kind, f"[Kindred] {title}", body + "\n", [p.email for p in group])
