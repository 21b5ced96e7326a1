"""What people see of a member without being asked: declared once.

Each :class:`DefaultAccess` says who (a relation, as the team sources name it), what
(a kind of data) and why, in words a member reads. The access checks that grant the
default read it from here (:func:`is_on`: the questionnaire results a therapist sees
in :mod:`kindred.measures.access` and on the plan pages), and the sentences on
``/measures/``, the questionnaire pages and ``/my/care/`` are built from the same
declarations (:func:`measures_sentences`, :func:`questionnaire_sentence`,
:func:`team_defaults`), so what the pages say and what the rules do cannot drift.

Besides the care team (therapist, facilitators, peer supporters) the moderators are
declared here too: they are nobody's team, but what they see of every member (public
posts and what is reported, never private clinical text) is a default like the rest.
The member's "Who can see what" page (:mod:`kindred.consent.whocansee`) lists these with
the member's grants, per person.

Everything else crosses to someone only through a consent grant the member made
(:mod:`kindred.consent.grants`). A default the member can switch off is stored as a
:class:`~kindred.consent.models.DefaultAccessOptOut`; no row, the default stands.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy

from kindred.accounts.models import User
from kindred.consent.models import DefaultAccessOptOut


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
    # For one the member cannot switch off: what ends it ("Leaving the group ends this.").
    ends_when: Promise | str = ""


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

FACILITATOR_GROUP_PARTICIPATION = DefaultAccess(
    key="facilitator.group_participation",
    who="facilitator",
    what="group participation",
    label=gettext_lazy(
        "that you signed up for their group, which sessions you came to, your check-in "
        "word and what you write in the group's room"
    ),
    why=gettext_lazy("They run the group and look after everyone in it."),
    can_switch_off=False,
    ends_when=gettext_lazy("Leaving the group ends this."),
)
FACILITATOR_SESSION_RISK_ALERTS = DefaultAccess(
    key="facilitator.session_risk_alerts",
    who="facilitator",
    what="safety alerts",
    label=gettext_lazy(
        "an alert if something you write in their group's session suggests you may be at "
        "risk (nothing from elsewhere)"
    ),
    why=gettext_lazy("So that they can reach out to you privately."),
    can_switch_off=False,
    ends_when=gettext_lazy("Leaving the group ends this."),
)
PEER_SUPPORTER_CONNECTION = DefaultAccess(
    key="peer_supporter.connection",
    who="peer_supporter",
    what="connection",
    label=gettext_lazy("your peer profile and the messages the two of you exchange"),
    why=gettext_lazy("You connected with them for one-to-one support."),
    can_switch_off=False,
    ends_when=gettext_lazy("Ending the connection ends this."),
)
MODERATOR_PUBLIC_POSTS = DefaultAccess(
    key="moderator.public_posts",
    who="moderator",
    what="public posts",
    label=gettext_lazy("your posts and replies in community spaces, like everyone there"),
    why=gettext_lazy("They keep the spaces safe and kind."),
    can_switch_off=False,
    ends_when=gettext_lazy("Deleting a post removes it from their view."),
)
MODERATOR_REPORTS = DefaultAccess(
    key="moderator.reports",
    who="moderator",
    what="reports",
    label=gettext_lazy(
        "reports about what you write, and that you may need attention when something "
        "suggests you are at risk, but never your private clinical text"
    ),
    why=gettext_lazy(
        "They act on reports. What you write to your therapist, your questionnaires "
        "and your notes stay between you and your treating therapist."
    ),
    can_switch_off=False,
)

DEFAULTS: tuple[DefaultAccess, ...] = (
    THERAPIST_ASSIGNED_QUESTIONNAIRES,
    THERAPIST_RISK_ALERTS,
    FACILITATOR_GROUP_PARTICIPATION,
    FACILITATOR_SESSION_RISK_ALERTS,
    PEER_SUPPORTER_CONNECTION,
    MODERATOR_PUBLIC_POSTS,
    MODERATOR_REPORTS,
)
BY_KEY: dict[str, DefaultAccess] = {d.key: d for d in DEFAULTS}
SWITCHABLE: tuple[str, ...] = tuple(d.key for d in DEFAULTS if d.can_switch_off)
# Every relation some default is declared for, for listing them all.
RELATIONS: tuple[str, ...] = tuple(sorted({d.who for d in DEFAULTS}))
# Relations that are not on anyone's care team: the role as a whole sees it.
ROLE_WIDE: tuple[str, ...] = ("moderator",)

# "Your therapist sees …": one sentence per relation, so each language can agree the
# verb with its subject. A named person gets :data:`_NAMED`.
_SUBJECT_SENTENCES: dict[str, Promise] = {
    "therapist": gettext_lazy("Your therapist sees %(what)s."),
    "facilitator": gettext_lazy("The facilitators of your groups see %(what)s."),
    "peer_supporter": gettext_lazy("Peer supporters you are connected with see %(what)s."),
    "moderator": gettext_lazy("Kindred's moderators see %(what)s."),
}


def switched_off(member: User) -> set[str]:
    """The keys ``member`` switched off (one query)."""
    member_id = getattr(member, "pk", member)
    if member_id is None:
        return set()
    return set(
        DefaultAccessOptOut.objects.filter(member_id=member_id).values_list("key", flat=True)
    )


def is_on(member: User | int, default: DefaultAccess) -> bool:
    """Whether ``default`` applies to ``member`` now (one query for a switchable one)."""
    if not default.can_switch_off:
        return True
    member_id = getattr(member, "pk", member)
    return not DefaultAccessOptOut.objects.filter(member_id=member_id, key=default.key).exists()


def defaults_for(relation: str) -> list[DefaultAccess]:
    # Reads the module's DEFAULTS at each call, so a test that changes a declaration
    # sees every page change with it.
    return [d for d in DEFAULTS if d.who == relation]


def declared(key: str) -> DefaultAccess:
    return next(d for d in DEFAULTS if d.key == key)


def sentence(default: DefaultAccess, *, person: str = "") -> str:
    """The one way any page says what someone sees by default: "Your therapist sees
    …", or with ``person`` (a handle) "dr_ellis sees …"."""
    if person:
        return gettext("%(handle)s sees %(what)s.") % {"handle": person, "what": default.label}
    return str(_SUBJECT_SENTENCES[default.who]) % {"what": default.label}


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
        sentence(d)
        for d in defaults_for("therapist")
        if d.what in ("questionnaires", "safety alerts") and d.key not in off
    ]
    lines.append(gettext("Everything else you answer is private to you unless you share it."))
    return lines


def questionnaire_sentence(assigned_by: User | None, has_therapist: bool, off: set[str]) -> str:
    """What a questionnaire page says before the member answers. ``assigned_by`` is the
    therapist whose open assignment this answer will count for (or None)."""
    assigned = declared(THERAPIST_ASSIGNED_QUESTIONNAIRES.key)
    alerts = declared(THERAPIST_RISK_ALERTS.key)
    if assigned_by is not None and assigned.key not in off:
        return (
            gettext("%(handle)s asked you to fill this in.") % {"handle": assigned_by.handle}
            + " "
            + sentence(assigned, person=assigned_by.handle)
        )
    text = gettext("Only you will see your answers unless you share them.")
    if has_therapist and alerts.key not in off:
        text += " " + sentence(alerts)
    return text
