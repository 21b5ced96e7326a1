"""What people on a member's care team see of them without being asked: declared once.

Each :class:`DefaultAccess` says who (a relation, as the team sources name it), what
(a kind of data) and why, in words a member reads. The access checks that grant the
default read it from here (:func:`is_on`: the questionnaire results a therapist sees
in :mod:`kindred.measures.access` and on the plan pages), and the sentences on
``/measures/``, the questionnaire pages and ``/my/care/`` are built from the same
declarations (:func:`measures_sentences`, :func:`questionnaire_sentence`,
:func:`team_defaults`), so what the pages say and what the rules do cannot drift.

Everything else crosses to someone only through a consent grant the member made
(:mod:`kindred.care.grants`). A default the member can switch off is stored as a
:class:`~kindred.care.models.DefaultAccessOptOut`; no row, the default stands.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from kindred.care.models import DefaultAccessOptOut


@dataclass(frozen=True)
class DefaultAccess:
    key: str
    # The relation on the member's team ("therapist"), as in TeamEntry.relation.
    who: str
    # The kind of data ("questionnaires", "safety alerts").
    what: str
    # What they see, to follow "Your therapist sees …".
    label: Promise
    why: Promise
    can_switch_off: bool


THERAPIST_ASSIGNED_QUESTIONNAIRES = DefaultAccess(
    key="therapist.assigned_questionnaires",
    who="therapist",
    what="questionnaires",
    label=gettext_lazy("the answers and scores of the questionnaires they ask you to fill in"),
    why=gettext_lazy(
        "They ask for them to see how you are doing between sessions. Questionnaires you "
        "take on your own are not included."
    ),
    can_switch_off=True,
)
THERAPIST_RISK_ALERTS = DefaultAccess(
    key="therapist.risk_alerts",
    who="therapist",
    what="safety alerts",
    label=gettext_lazy(
        "an alert naming the question, if an answer on any questionnaire suggests you may "
        "be at risk"
    ),
    why=gettext_lazy("So that someone who knows you can reach out quickly."),
    can_switch_off=False,
)

DEFAULTS: tuple[DefaultAccess, ...] = (THERAPIST_ASSIGNED_QUESTIONNAIRES, THERAPIST_RISK_ALERTS)
BY_KEY: dict[str, DefaultAccess] = {d.key: d for d in DEFAULTS}
SWITCHABLE: tuple[str, ...] = tuple(d.key for d in DEFAULTS if d.can_switch_off)
# Every relation some default is declared for, for listing them all.
RELATIONS: tuple[str, ...] = tuple(sorted({d.who for d in DEFAULTS}))


def switched_off(member: Any) -> set[str]:
    """The keys ``member`` switched off (one query)."""
    member_id = getattr(member, "pk", member)
    if member_id is None:
        return set()
    return set(
        DefaultAccessOptOut.objects.filter(member_id=member_id).values_list("key", flat=True)
    )


def is_on(member: Any, default: DefaultAccess) -> bool:
    """Whether ``default`` applies to ``member`` now (one query for a switchable one)."""
    if not default.can_switch_off:
        return True
    member_id = getattr(member, "pk", member)
    return not DefaultAccessOptOut.objects.filter(member_id=member_id, key=default.key).exists()


def defaults_for(relation: str) -> list[DefaultAccess]:
    return [d for d in DEFAULTS if d.who == relation]


@dataclass(frozen=True)
class DefaultRow:
    default: DefaultAccess
    on: bool


def team_defaults(relations: Iterable[str], off: set[str]) -> list[DefaultRow]:
    """What someone with these relations to the member sees by default, and whether each
    is on (``off`` from :func:`switched_off`)."""
    seen: list[DefaultRow] = []
    for relation in sorted(set(relations)):
        seen += [DefaultRow(d, d.key not in off) for d in defaults_for(relation)]
    return seen


def measures_sentences(has_therapist: bool, off: set[str]) -> list[str]:
    """What ``/measures/`` says about who sees the member's questionnaires."""
    if not has_therapist:
        return [gettext("Your answers are private to you unless you share them.")]
    lines = [
        gettext("Your therapist sees %(what)s.") % {"what": d.label}
        for d in defaults_for("therapist")
        if d.what in ("questionnaires", "safety alerts") and d.key not in off
    ]
    lines.append(gettext("Everything else you answer is private to you unless you share it."))
    return lines


def questionnaire_sentence(assigned_by: Any, has_therapist: bool, off: set[str]) -> str:
    """What a questionnaire page says before the member answers. ``assigned_by`` is the
    therapist whose open assignment this answer will count for (or None)."""
    default = THERAPIST_ASSIGNED_QUESTIONNAIRES
    if assigned_by is not None and default.key not in off:
        return gettext(
            "%(handle)s asked you to fill this in, so they will see your answers and score."
        ) % {"handle": assigned_by.handle}
    sentence = gettext("Only you will see your answers unless you share them.")
    if has_therapist and THERAPIST_RISK_ALERTS.key not in off:
        sentence += " " + gettext("Your therapist sees %(what)s.") % {
            "what": THERAPIST_RISK_ALERTS.label
        }
    return sentence
