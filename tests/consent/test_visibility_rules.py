"""Every default declared in kindred/care/visibility.py is what the access modules allow.

The declarations are what the member reads ("The facilitators of your groups see …");
the access functions in each app are what actually happens. This module holds, per
declaration, probes of the real access functions: what the declared person must reach
(``sees``), what they must not (``not_sees``: the member's questionnaire answers, safety
plan without a grant, private messages, …) and, where the declaration says what ends
it, that it ends. It is driven by ``visibility.DEFAULTS``: a declaration added without
a rule here fails :func:`test_the_declared_access_is_what_the_rules_allow`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pytest

from kindred.care import actions as care_actions
from kindred.community import actions as community_actions
from kindred.community.access import access_post, visible_posts
from kindred.consent import actions as consent_actions
from kindred.consent import visibility
from kindred.consent.grants import SAFETY_PLAN, access_shared
from kindred.core.access import NotFound
from kindred.groups import actions as group_actions
from kindred.groups.access import access_participant, access_session_risk_flag
from kindred.measures.access import access_client_results, access_response
from kindred.measures.actions import do_assign_measure, do_submit_response
from kindred.messaging.access import access_member_conversation, access_therapist_conversation
from kindred.messaging.actions import do_send_message, do_start_conversation
from kindred.peers import actions as peer_actions
from kindred.peers import chat
from kindred.rooms.access import access_room
from kindred.rooms.actions import do_post_message, history
from kindred.safety.access import access_flag, access_safety_plan, is_flag_clinician, visible_flags
from kindred.safety.actions import do_raise_flag, do_report, do_save_safety_plan
from kindred.safety.models import MEASURES_SCOPE, FlagKind
from tests.care.factories import book
from tests.groups.factories import make_group, make_session
from tests.peers.factories import connected, make_profile

GROUP_WORDS = "Tuesday was hard but I came anyway"
PEER_WORDS = "Thanks for listening last night"
SECRET = "Something I only tell my therapist"
PLAN_STEP = "Call my sister"


def reaches(probe: Callable[[], Any]) -> bool:
    """True when the access function answers, False on its NotFound."""
    try:
        return probe() is not False
    except NotFound:
        return False


@pytest.fixture
def world(member, member2, therapist, facilitator, peer_supporter, moderator, space):
    """``member`` with data in every app and each declared relation made for real:
    ``therapist`` treats them and assigned a PHQ-9, ``facilitator`` runs a group whose
    live room they wrote in, ``peer_supporter`` is connected with them and they chatted,
    and they posted in a community space that ``member2`` reported to the moderators."""
    w = SimpleNamespace(
        member=member,
        therapist=therapist,
        facilitator=facilitator,
        peer_supporter=peer_supporter,
        moderator=moderator,
    )
    # Therapy: a booking, an assigned questionnaire answered, one taken alone, a message.
    book(member, therapist)
    do_assign_measure(therapist, member.pk, "phq9", every_days=7)
    w.assigned = do_submit_response(member, "phq9", {f"q{i}": 1 for i in range(1, 9)} | {"q9": 0})
    w.assigned = w.assigned.response
    w.own = do_submit_response(member, "gad2", {"q1": 1, "q2": 2}).response
    w.conversation = do_start_conversation(member, therapist)
    do_send_message(member, w.conversation, SECRET)
    w.clinical_flag = do_raise_flag(
        kind=FlagKind.RISK,
        subject=member,
        text=SECRET,
        scope=MEASURES_SCOPE,
        source_type="measures.response",
        source_id=str(w.assigned.pk),
        clinicians=[therapist],
    )
    do_save_safety_plan(member, {"contacts": [PLAN_STEP]})
    # A group whose session room is open, and what the member wrote in it.
    w.group = make_group(facilitator, space)
    w.session = make_session(w.group)
    group_actions.do_join(member, w.group, w.session)
    w.group_room = group_actions.do_open_session_room(facilitator, w.session)
    group_actions.do_check_in(member, w.session, mood_word="tired", passed=False)
    w.group_message = do_post_message(w.group_room, member, GROUP_WORDS)
    w.group_flag = do_raise_flag(
        kind=FlagKind.RISK,
        subject=member,
        text=GROUP_WORDS,
        source_type="rooms.message",
        source_id=str(w.group_message.pk),
    )
    # A peer connection and its chat.
    make_profile(member)
    make_profile(peer_supporter, seeks="give_support")
    w.connection = connected(member, peer_supporter)
    w.peer_room = chat.room_for(w.connection)
    w.peer_message = do_post_message(w.peer_room, member, PEER_WORDS)
    w.peer_flag = do_raise_flag(
        kind=FlagKind.RISK,
        subject=member,
        text=PEER_WORDS,
        source_type="rooms.message",
        source_id=str(w.peer_message.pk),
    )
    # A public thread with a reply, and a report about the reply.
    community_actions.do_accept_guidelines(member, space)
    w.thread = community_actions.do_create_thread(member, space, title="Hello", body="Hi all")
    w.thread = w.thread.post.thread
    w.reply = community_actions.do_reply(member, w.thread, body="A reply of mine").post
    w.report = do_report(
        member2,
        reason="spam",
        subject=member,
        source_type="community.post",
        source_id=str(w.reply.pk),
        quoted_text=w.reply.body,
    )
    return w


# Probes: each answers whether ``viewer`` reaches one thing of the member's in ``w``.
Probe = Callable[[Any, SimpleNamespace], bool]


def _room_words(room_attr: str, words: str) -> Probe:
    def probe(viewer: Any, w: SimpleNamespace) -> bool:
        room = getattr(w, room_attr)
        if not reaches(lambda: access_room(viewer, room.pk)):
            return False
        return words in [m.body for m in history(room, viewer=viewer)]

    return probe


def _questionnaire_answers(viewer: Any, w: SimpleNamespace) -> bool:
    """Any of the member's responses themselves (answers and scores)."""
    own_route = reaches(lambda: access_response(viewer, w.own.pk)) or reaches(
        lambda: access_response(viewer, w.assigned.pk)
    )
    try:
        _, results = access_client_results(viewer, w.member.pk)
    except NotFound:
        return own_route
    return own_route or results.exists()


def _assigned_questionnaires(viewer: Any, w: SimpleNamespace) -> bool:
    try:
        _, results = access_client_results(viewer, w.member.pk)
    except NotFound:
        return False
    return w.assigned.pk in set(results.values_list("pk", flat=True))


def _self_taken_questionnaires(viewer: Any, w: SimpleNamespace) -> bool:
    if reaches(lambda: access_response(viewer, w.own.pk)):
        return True
    try:
        _, results = access_client_results(viewer, w.member.pk)
    except NotFound:
        return False
    return results.filter(pk=w.own.pk).exists()


def _safety_plan(viewer: Any, w: SimpleNamespace) -> bool:
    return reaches(lambda: access_safety_plan(viewer, w.member.pk)) or reaches(
        lambda: access_shared(viewer, w.member.pk, SAFETY_PLAN)
    )


def _secure_messages(viewer: Any, w: SimpleNamespace) -> bool:
    return reaches(lambda: access_member_conversation(viewer, w.conversation.pk)) or reaches(
        lambda: access_therapist_conversation(viewer, w.conversation.pk, audit=False)
    )


def _session_participation(viewer: Any, w: SimpleNamespace) -> bool:
    from kindred.groups.access import is_facilitator

    return is_facilitator(viewer, w.group) and reaches(
        lambda: access_participant(w.session, w.member.pk)
    )


def _session_risk_alert(viewer: Any, w: SimpleNamespace) -> bool:
    from kindred.groups.access import is_facilitator

    return is_facilitator(viewer, w.group) and reaches(
        lambda: access_session_risk_flag(w.session, w.group_flag.pk)
    )


def _risk_alert_from_elsewhere(viewer: Any, w: SimpleNamespace) -> bool:
    """A flag about the member raised outside the viewer's group session (the peer chat)."""
    from kindred.groups.access import is_facilitator

    reached_via_group = is_facilitator(viewer, w.group) and reaches(
        lambda: access_session_risk_flag(w.session, w.peer_flag.pk)
    )
    return reached_via_group or visible_flags(viewer).filter(pk=w.peer_flag.pk).exists()


def _clinical_alert(viewer: Any, w: SimpleNamespace) -> bool:
    """That the member may be at risk: the clinical flag, in the viewer's queue."""
    return visible_flags(viewer).filter(pk=w.clinical_flag.pk).exists()


def _clinical_text(viewer: Any, w: SimpleNamespace) -> bool:
    """What the member wrote that raised the clinical flag."""
    if not visible_flags(viewer).filter(pk=w.clinical_flag.pk).exists():
        return False
    if is_flag_clinician(viewer, w.clinical_flag):
        return True
    return SECRET in access_flag(viewer, w.clinical_flag.pk).text


def _public_reply(viewer: Any, w: SimpleNamespace) -> bool:
    return reaches(lambda: access_post(viewer, w.reply.pk)) and (
        visible_posts(viewer, w.thread).filter(pk=w.reply.pk).exists()
    )


def _report(viewer: Any, w: SimpleNamespace) -> bool:
    return reaches(lambda: access_flag(viewer, w.report.pk))


def _peer_connection(viewer: Any, w: SimpleNamespace) -> bool:
    from kindred.peers.access import access_connection

    return reaches(lambda: access_connection(viewer, w.connection.pk))


GROUP_ROOM = _room_words("group_room", GROUP_WORDS)
PEER_CHAT = _room_words("peer_room", PEER_WORDS)

# What nobody reaches through a default alone.
PRIVATE: dict[str, Probe] = {
    "safety plan without a grant": _safety_plan,
    "secure messages to the therapist": _secure_messages,
    "questionnaires taken alone": _self_taken_questionnaires,
}


def _end_treatment(w: SimpleNamespace) -> None:
    care_actions.do_discharge(w.therapist, w.member.pk)


def _leave_group(w: SimpleNamespace) -> None:
    group_actions.do_leave(w.member, w.group, w.session)


def _end_connection(w: SimpleNamespace) -> None:
    peer_actions.do_end(w.member, w.connection)


def _delete_reply(w: SimpleNamespace) -> None:
    community_actions.do_delete_post(w.member, w.reply)


@dataclass(frozen=True)
class Rule:
    sees: dict[str, Probe]
    not_sees: dict[str, Probe]
    # What the declaration says ends it, and which of ``sees`` must be gone afterwards.
    end: Callable[[SimpleNamespace], None] | None = None
    ended: tuple[str, ...] = field(default=())
    # What everyone signed in reaches too ("like everyone there").
    public: bool = False


RULES: dict[str, Rule] = {
    visibility.THERAPIST_ASSIGNED_QUESTIONNAIRES.key: Rule(
        sees={"the questionnaires they assigned": _assigned_questionnaires},
        not_sees={
            # Their own conversation with the member is theirs to read: not a default.
            "safety plan without a grant": _safety_plan,
            "questionnaires taken alone": _self_taken_questionnaires,
            "the group room": GROUP_ROOM,
            "the peer chat": PEER_CHAT,
        },
        end=_end_treatment,
        ended=("the questionnaires they assigned",),
    ),
    visibility.THERAPIST_RISK_ALERTS.key: Rule(
        sees={"an alert from a questionnaire": _clinical_alert},
        not_sees={
            "a report about a public post": _report,
            "a risk alert from the peer chat": _risk_alert_from_elsewhere,
            "safety plan without a grant": _safety_plan,
        },
    ),
    visibility.FACILITATOR_GROUP_PARTICIPATION.key: Rule(
        sees={
            "what they write in the group's room": GROUP_ROOM,
            "that they signed up": _session_participation,
        },
        not_sees={
            **PRIVATE,
            "questionnaire answers": _questionnaire_answers,
            "the peer chat": PEER_CHAT,
            "a questionnaire alert": _clinical_alert,
        },
        end=_leave_group,
        ended=("that they signed up",),
    ),
    visibility.FACILITATOR_SESSION_RISK_ALERTS.key: Rule(
        sees={"an alert from their session": _session_risk_alert},
        not_sees={
            "an alert from elsewhere": _risk_alert_from_elsewhere,
            "a questionnaire alert": _clinical_alert,
            "a report about a public post": _report,
        },
        end=_leave_group,
        ended=("an alert from their session",),
    ),
    visibility.PEER_SUPPORTER_CONNECTION.key: Rule(
        sees={"the connection": _peer_connection, "the messages the two exchange": PEER_CHAT},
        not_sees={
            **PRIVATE,
            "questionnaire answers": _questionnaire_answers,
            "the group room": GROUP_ROOM,
            "a questionnaire alert": _clinical_alert,
        },
        end=_end_connection,
        ended=("the messages the two exchange",),
    ),
    visibility.MODERATOR_PUBLIC_POSTS.key: Rule(
        sees={"their replies in community spaces": _public_reply},
        not_sees={
            **PRIVATE,
            "questionnaire answers": _questionnaire_answers,
            "the group room": GROUP_ROOM,
            "the peer chat": PEER_CHAT,
        },
        end=_delete_reply,
        ended=("their replies in community spaces",),
        public=True,
    ),
    visibility.MODERATOR_REPORTS.key: Rule(
        sees={
            "reports about what they write": _report,
            "that they may need attention": _clinical_alert,
        },
        not_sees={
            **PRIVATE,
            "the text behind a clinical alert": _clinical_text,
            "questionnaire answers": _questionnaire_answers,
        },
    ),
}

DEFAULTS = [pytest.param(d, id=d.key) for d in visibility.DEFAULTS]


def _rule(default: visibility.DefaultAccess) -> Rule:
    assert default.key in RULES, (
        f"{default.key} is declared in kindred/care/visibility.py but no rule here says "
        "what the access modules must allow and refuse for it"
    )
    return RULES[default.key]


def _check(rule: Rule, viewer: Any, w: SimpleNamespace) -> None:
    missing = [what for what, probe in rule.sees.items() if not probe(viewer, w)]
    leaked = [what for what, probe in rule.not_sees.items() if probe(viewer, w)]
    assert not missing, f"declared but refused: {missing}"
    assert not leaked, f"not declared but allowed: {leaked}"


@pytest.mark.parametrize("default", DEFAULTS)
def test_the_declared_access_is_what_the_rules_allow(world, default):
    _check(_rule(default), getattr(world, default.who), world)


def test_every_rule_is_for_a_declaration():
    assert set(RULES) <= set(visibility.BY_KEY)


@pytest.mark.parametrize("default", DEFAULTS)
def test_what_the_declaration_says_ends_it_ends_it(world, default):
    rule = _rule(default)
    if default.ends_when:
        assert rule.end is not None and rule.ended, f"{default.key} says {default.ends_when!r}"
    if rule.end is None:
        return
    viewer = getattr(world, default.who)
    rule.end(world)
    still = [what for what in rule.ended if rule.sees[what](viewer, world)]
    assert not still, f"still allowed after the end: {still}"
    leaked = [what for what, probe in rule.not_sees.items() if probe(viewer, world)]
    assert not leaked, f"not declared but allowed after the end: {leaked}"


@pytest.mark.parametrize("default", [d for d in DEFAULTS if d.values[0].can_switch_off])
def test_switching_a_default_off_takes_the_access_away(world, default):
    rule = _rule(default)
    viewer = getattr(world, default.who)
    consent_actions.do_set_default_access(world.member, default.key, on=False)
    still = [what for what, probe in rule.sees.items() if probe(viewer, world)]
    assert not still, f"still allowed when switched off: {still}"


@pytest.mark.parametrize("relation", visibility.RELATIONS)
def test_nobody_without_the_relation_gets_the_declared_access(world, member2, therapist2, relation):
    """The same probes for someone who holds the role but not the relation."""
    from kindred.core.roles import Role
    from tests.factories import UserFactory

    strangers = {
        "therapist": therapist2,
        "facilitator": UserFactory(roles=[Role.MEMBER, Role.FACILITATOR]),
        "peer_supporter": UserFactory(roles=[Role.MEMBER, Role.PEER_SUPPORTER]),
        "moderator": member2,
    }
    stranger = strangers[relation]
    for default in visibility.defaults_for(relation):
        if _rule(default).public:
            continue
        reached = [what for what, probe in _rule(default).sees.items() if probe(stranger, world)]
        assert not reached, f"{default.key}: reached without the relation: {reached}"
