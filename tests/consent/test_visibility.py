"""The default-access declarations: what they say, and that the checks read them."""

from __future__ import annotations

import pytest

from kindred.care.views import RELATION_LABELS
from kindred.consent import actions as consent_actions
from kindred.consent import visibility

ASSIGNED = visibility.THERAPIST_ASSIGNED_QUESTIONNAIRES
ALERTS = visibility.THERAPIST_RISK_ALERTS


def test_every_declaration_names_a_team_relation_and_says_what_and_why():
    assert len({d.key for d in visibility.DEFAULTS}) == len(visibility.DEFAULTS)
    for default in visibility.DEFAULTS:
        assert default.who in RELATION_LABELS
        assert str(default.label) and str(default.why).endswith(".")
        assert len(default.key) <= 60


def test_only_the_assigned_questionnaires_can_be_switched_off():
    assert (ASSIGNED.key,) == visibility.SWITCHABLE


def test_a_default_is_on_until_the_member_switches_it_off(member, member2):
    assert visibility.is_on(member, ASSIGNED) and visibility.switched_off(member) == set()
    consent_actions.do_set_default_access(member, ASSIGNED.key, on=False)
    assert not visibility.is_on(member, ASSIGNED)
    assert visibility.is_on(member.pk, ASSIGNED) is False
    assert visibility.switched_off(member) == {ASSIGNED.key}
    assert visibility.is_on(member2, ASSIGNED)
    # What keeps the member safe is not theirs to switch off, and costs no query.
    assert visibility.is_on(member, ALERTS)


def test_is_on_for_a_fixed_default_costs_no_query(member, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert visibility.is_on(member, ALERTS)


def test_team_defaults_follow_the_relations():
    assert [r.default for r in visibility.team_defaults(["peer_supporter"], set())] == [
        visibility.PEER_SUPPORTER_CONNECTION
    ]
    rows = visibility.team_defaults(["therapist", "therapist"], {ASSIGNED.key})
    assert [(r.default, r.on) for r in rows] == [(ASSIGNED, False), (ALERTS, True)]


@pytest.mark.parametrize(
    ("has_therapist", "off", "expected"),
    [
        (False, set(), ["Your answers are private to you unless you share them."]),
        (
            True,
            set(),
            [
                f"Your therapist sees {ASSIGNED.label}.",
                f"Your therapist sees {ALERTS.label}.",
                "Everything else you answer is private to you unless you share it.",
            ],
        ),
        (
            True,
            {ASSIGNED.key},
            [
                f"Your therapist sees {ALERTS.label}.",
                "Everything else you answer is private to you unless you share it.",
            ],
        ),
    ],
)
def test_the_measures_sentences(has_therapist, off, expected):
    assert visibility.measures_sentences(has_therapist, off) == expected


def test_the_questionnaire_sentence(therapist):
    assert visibility.questionnaire_sentence(therapist, True, set()) == (
        f"dr_ellis asked you to fill this in. dr_ellis sees {ASSIGNED.label}."
    )
    alone = visibility.questionnaire_sentence(therapist, True, {ASSIGNED.key})
    assert alone.startswith("Only you will see your answers unless you share them.")
    assert str(ALERTS.label) in alone
    assert visibility.questionnaire_sentence(None, False, set()) == (
        "Only you will see your answers unless you share them."
    )


def test_every_role_in_care_has_its_defaults_declared_once():
    assert set(visibility.RELATIONS) == {"facilitator", "moderator", "peer_supporter", "therapist"}
    for default in visibility.DEFAULTS:
        # What cannot be switched off says what ends it, or that it keeps the member safe.
        assert default.can_switch_off or default.ends_when or "risk" in str(default.label)
    # Moderators never see clinical text: their declarations say so rather than list it.
    assert "never your private clinical text" in str(visibility.MODERATOR_REPORTS.label)


def test_one_function_renders_every_sentence(therapist):
    assert visibility.sentence(ASSIGNED) == f"Your therapist sees {ASSIGNED.label}."
    assert visibility.sentence(ASSIGNED, person="dr_ellis") == f"dr_ellis sees {ASSIGNED.label}."
    for default in visibility.DEFAULTS:
        assert str(default.label) in visibility.sentence(default)


def test_changing_a_declaration_changes_every_sentence(monkeypatch, therapist):
    import dataclasses

    changed = dataclasses.replace(ASSIGNED, label="CHANGED WORDS")
    monkeypatch.setattr(
        visibility, "DEFAULTS", tuple(changed if d is ASSIGNED else d for d in visibility.DEFAULTS)
    )
    assert "Your therapist sees CHANGED WORDS." in visibility.measures_sentences(True, set())
    assert "dr_ellis sees CHANGED WORDS." in visibility.questionnaire_sentence(
        therapist, True, set()
    )
