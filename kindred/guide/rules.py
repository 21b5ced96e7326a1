"""The rules that turn a person's answers into suggestions: the one table to review.

Each row of :data:`RULES` is a condition in plain words (``when``) with the test that
implements it, the options it suggests, how strongly, the reason the person reads, and
the source it rests on. A clinician reviews this file, not the templates: nothing else
in the guide decides what to suggest. ``tests/guide/test_rules.py`` runs the table
against a table of cases, one per branch.

Kinds of row:

* ``safety`` — signs of immediate risk. They do not rank options; they put crisis
  resources and the safety plan before everything else.
* ``evidence`` — stepped care: NICE NG222 (depression: less severe = PHQ-9 below 16,
  more severe = 16 or more), NICE CG113 (generalised anxiety, steps 1–3) and the WHO
  AUDIT risk zones (alcohol). They say what the evidence suggests, with strength
  ``suggested`` (the guidance's first choice for this situation) or ``consider``.
* ``preference`` — how an option fits what the person said matters to them
  (``fits`` or ``poor_fit``). These never override the evidence rows; they are shown
  next to each option so the person can weigh them.

The choice stays the person's: every option is always shown, whatever fires.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final, Literal

from kindred.guide.options import (
    BOTH,
    OPTIONS,
    PEER_FORUM,
    PEER_GROUP,
    PEER_ONE_TO_ONE,
    PEER_OPTIONS,
    SOURCES,
    THERAPY_CBT,
    THERAPY_HUMANISTIC,
    THERAPY_OPTIONS,
    THERAPY_PSYCHODYNAMIC,
    Source,
)
from kindred.guide.questions import GuideAnswers
from kindred.guide.screening import AUDITC_POSITIVE, GAD2_POSITIVE, PHQ2_POSITIVE, Scored

Kind = Literal["safety", "evidence", "preference"]
Strength = Literal["crisis", "suggested", "consider", "fits", "poor_fit"]

# NICE NG222: "less severe" depression is a PHQ-9 below 16, "more severe" 16 or more.
PHQ9_MORE_SEVERE = 16
# PHQ-9 below 5 is in the "minimal" band: no depression treatment step applies.
PHQ9_MINIMAL_BELOW = 5
# GAD-7 bands (Spitzer 2006): 10 = moderate, 15 = severe.
GAD7_MODERATE = 10
GAD7_SEVERE = 15
# AUDIT zones (WHO, Babor 2001): II from 8, III from 16, IV from 20.
AUDIT_ZONE_2 = 8
AUDIT_ZONE_3 = 16
AUDIT_ZONE_4 = 20


@dataclass(frozen=True)
class Facts:
    """What the rules look at: the answers, plus the screening scores."""

    answers: GuideAnswers
    scores: Mapping[str, Scored] = field(default_factory=dict)

    def total(self, instrument: str) -> int | None:
        scored = self.scores.get(instrument)
        return scored.total if scored is not None else None

    def said_yes(self, *questions: str) -> bool:
        return any(getattr(self.answers, q) == "yes" for q in questions)

    @property
    def safety_unanswered(self) -> bool:
        return any(
            getattr(self.answers, q) == "rather_not_say"
            for q in ("safety_thoughts", "safety_intent", "safety_danger")
        )

    @property
    def phq9_item9(self) -> bool:
        scored = self.scores.get("phq9")
        return bool(scored and scored.critical)

    # Depression, by NICE NG222 severity.
    @property
    def phq_screen_negative(self) -> bool:
        phq2 = self.total("phq2")
        return self.total("phq9") is None and phq2 is not None and phq2 < PHQ2_POSITIVE

    @property
    def phq2_positive_only(self) -> bool:
        phq2 = self.total("phq2")
        return self.total("phq9") is None and phq2 is not None and phq2 >= PHQ2_POSITIVE

    def phq9_between(self, low: int, high: int) -> bool:
        phq9 = self.total("phq9")
        return phq9 is not None and low <= phq9 < high

    # Anxiety, by NICE CG113 step (GAD-7 band and how much it gets in the way).
    @property
    def gad_screen_negative(self) -> bool:
        gad2 = self.total("gad2")
        return self.total("gad7") is None and gad2 is not None and gad2 < GAD2_POSITIVE

    @property
    def gad2_positive_only(self) -> bool:
        gad2 = self.total("gad2")
        return self.total("gad7") is None and gad2 is not None and gad2 >= GAD2_POSITIVE

    @property
    def gad_step(self) -> int | None:
        gad7 = self.total("gad7")
        if gad7 is None or gad7 < 5:
            return None
        if gad7 >= GAD7_SEVERE or (gad7 >= GAD7_MODERATE and self.answers.impairment == "marked"):
            return 3
        if gad7 >= GAD7_MODERATE:
            return 2
        return 1

    # Alcohol, by AUDIT-C screen and AUDIT zone.
    @property
    def auditc_positive(self) -> bool:
        auditc = self.total("auditc")
        cutoff = AUDITC_POSITIVE[self.answers.auditc_cutoff]
        return auditc is not None and auditc >= cutoff

    @property
    def audit_zone(self) -> int | None:
        audit = self.total("audit")
        if audit is None:
            return None
        if audit >= AUDIT_ZONE_4:
            return 4
        if audit >= AUDIT_ZONE_3:
            return 3
        if audit >= AUDIT_ZONE_2:
            return 2
        return 1

    def topic(self, slug: str) -> bool:
        return slug in self.answers.topics


@dataclass(frozen=True)
class Rule:
    id: str
    kind: Kind
    when: str
    test: Callable[[Facts], bool]
    options: tuple[str, ...]
    strength: Strength
    reason: str
    source: str  # a key of kindred.guide.options.SOURCES

    @property
    def ref(self) -> Source:
        return SOURCES[self.source]

    @property
    def strength_label(self) -> str:
        return STRENGTH_LABELS[self.strength]


STRENGTH_LABELS: Final[dict[str, str]] = {
    "crisis": "Please reach out now",
    "suggested": "Suggested for your situation",
    "consider": "Worth considering",
    "fits": "Fits what you told us",
    "poor_fit": "Fits less well",
}


RULES: Final[tuple[Rule, ...]] = (
    # --- Safety first ----------------------------------------------------------------
    Rule(
        "safety-answer",
        "safety",
        "Any safety question answered yes",
        lambda f: f.said_yes("safety_thoughts", "safety_intent", "safety_danger"),
        (),
        "crisis",
        "You told us you may be at risk right now. Talking to someone today matters more "
        "than anything else in this guide: please use the crisis lines or your safety plan.",
        "nice-ng225",
    ),
    Rule(
        "safety-not-said",
        "safety",
        "A safety question answered 'I'd rather not say'",
        lambda f: f.safety_unanswered,
        (),
        "crisis",
        "You chose not to answer a safety question, which is fine. In case you need them, "
        "here are people you can reach now.",
        "safety-planning",
    ),
    Rule(
        "safety-phq9-item9",
        "safety",
        "PHQ-9 item 9 (thoughts of being better off dead or of self-harm) above 'not at all'",
        lambda f: f.phq9_item9,
        (),
        "crisis",
        "One of your answers was about thoughts of being better off dead or of hurting "
        "yourself. Please talk to someone today: a crisis line, your doctor, or someone "
        "you trust.",
        "phq-manual",
    ),
    # --- Age -------------------------------------------------------------------------
    Rule(
        "teen",
        "evidence",
        "The person is 13 to 17",
        lambda f: f.answers.age_group == "teen",
        (PEER_FORUM,),
        "consider",
        "This guide is written for adults. For young people, NICE advises talking to a "
        "trusted adult, a school counsellor or a doctor first; the teen space is kept apart "
        "from the adult ones.",
        "nice-ng134",
    ),
    # --- Depression: NICE NG222 --------------------------------------------------------
    Rule(
        "phq2-negative",
        "evidence",
        "PHQ-2 below 3 and no PHQ-9",
        lambda f: f.phq_screen_negative,
        (),
        "consider",
        "Your answers to the two mood questions do not point to depression, so no "
        "particular treatment is suggested for mood; choose by what matters to you.",
        "phq-manual",
    ),
    Rule(
        "phq2-positive-no-phq9",
        "evidence",
        "PHQ-2 of 3 or more, PHQ-9 not answered",
        lambda f: f.phq2_positive_only,
        (THERAPY_CBT,),
        "consider",
        "Your answers to the two mood questions suggest it is worth looking further. "
        "Answering the full PHQ-9, or talking to a doctor or therapist, would tell you more.",
        "phq-manual",
    ),
    Rule(
        "depression-minimal",
        "evidence",
        "PHQ-9 below 5",
        lambda f: f.phq9_between(0, PHQ9_MINIMAL_BELOW),
        (),
        "consider",
        "Your PHQ-9 is in the minimal range. Peer support or keeping an eye on how you feel "
        "may be all you want for now; choose by what matters to you.",
        "nice-ng222",
    ),
    Rule(
        "depression-less-severe",
        "evidence",
        "PHQ-9 from 5 to 15 (NICE 'less severe' depression)",
        lambda f: f.phq9_between(PHQ9_MINIMAL_BELOW, PHQ9_MORE_SEVERE),
        (THERAPY_CBT, THERAPY_HUMANISTIC, THERAPY_PSYCHODYNAMIC),
        "consider",
        "For less severe depression NICE lists several options to choose between with a "
        "professional: guided self-help, group or individual CBT or behavioural activation, "
        "counselling, and short-term psychodynamic therapy among them. The least intrusive "
        "ones are usually tried first.",
        "nice-ng222",
    ),
    Rule(
        "depression-less-severe-peer",
        "evidence",
        "PHQ-9 from 5 to 15",
        lambda f: f.phq9_between(PHQ9_MINIMAL_BELOW, PHQ9_MORE_SEVERE),
        (PEER_GROUP, PEER_ONE_TO_ONE),
        "consider",
        "Peer support has helped depressive symptoms in controlled studies, on its own or "
        "while waiting for therapy.",
        "pfeiffer-2011",
    ),
    Rule(
        "depression-more-severe",
        "evidence",
        "PHQ-9 of 16 or more (NICE 'more severe' depression)",
        lambda f: f.phq9_between(PHQ9_MORE_SEVERE, 28),
        (THERAPY_CBT, BOTH),
        "suggested",
        "For more severe depression NICE recommends treatment with a trained professional, "
        "such as individual CBT or behavioural activation, often together with "
        "antidepressant medication from a doctor. Please talk to a doctor or therapist "
        "soon; peer support can sit alongside it but not replace it.",
        "nice-ng222",
    ),
    Rule(
        "depression-chronic-illness",
        "evidence",
        "PHQ-9 from 5 to 15 and living with a long-term illness or pain",
        lambda f: (
            f.phq9_between(PHQ9_MINIMAL_BELOW, PHQ9_MORE_SEVERE) and f.topic("chronic-illness-pain")
        ),
        (PEER_GROUP,),
        "suggested",
        "For depression alongside a long-term physical illness, NICE suggests a group-based "
        "peer support programme among the first options.",
        "nice-cg91",
    ),
    # --- Anxiety: NICE CG113 stepped care ---------------------------------------------
    Rule(
        "gad2-negative",
        "evidence",
        "GAD-2 below 3 and no GAD-7",
        lambda f: f.gad_screen_negative,
        (),
        "consider",
        "Your answers to the two worry questions do not point to an anxiety disorder; "
        "choose by what matters to you.",
        "gad-manual",
    ),
    Rule(
        "gad2-positive-no-gad7",
        "evidence",
        "GAD-2 of 3 or more, GAD-7 not answered",
        lambda f: f.gad2_positive_only,
        (THERAPY_CBT,),
        "consider",
        "Your answers to the two worry questions suggest it is worth looking further. "
        "Answering the full GAD-7, or talking to a doctor or therapist, would tell you more.",
        "gad-manual",
    ),
    Rule(
        "anxiety-step-1",
        "evidence",
        "GAD-7 from 5 to 9 (CG113 step 1)",
        lambda f: f.gad_step == 1,
        (PEER_GROUP, PEER_FORUM),
        "consider",
        "For milder anxiety, NICE's first step is information about anxiety and keeping an "
        "eye on how it goes. Peer groups and spaces can help you learn what others found "
        "useful.",
        "nice-cg113",
    ),
    Rule(
        "anxiety-step-2",
        "evidence",
        "GAD-7 from 10 to 14 without marked difficulty in daily life (CG113 step 2)",
        lambda f: f.gad_step == 2,
        (THERAPY_CBT, PEER_GROUP),
        "consider",
        "At this level NICE's next step is a low-intensity intervention: guided self-help "
        "based on CBT, or a psychoeducational group.",
        "nice-cg113",
    ),
    Rule(
        "anxiety-step-3",
        "evidence",
        "GAD-7 of 15 or more, or 10 or more with marked difficulty in daily life (CG113 step 3)",
        lambda f: f.gad_step == 3,
        (THERAPY_CBT, BOTH),
        "suggested",
        "When anxiety is severe or makes daily life very hard, NICE recommends a "
        "high-intensity psychological treatment (individual CBT or applied relaxation) with "
        "a trained professional, or medication from a doctor.",
        "nice-cg113",
    ),
    # --- Alcohol: AUDIT-C screen and WHO AUDIT zones -----------------------------------
    Rule(
        "alcohol-screen-positive",
        "evidence",
        "AUDIT-C at or above the cut-off, full AUDIT not answered",
        lambda f: f.auditc_positive and f.audit_zone is None,
        (PEER_GROUP,),
        "consider",
        "Your drinking answers are above the screening cut-off. The full AUDIT, or a talk "
        "with a doctor, would show how much risk it carries; mutual-help groups can help "
        "whatever the level.",
        "who-audit",
    ),
    Rule(
        "alcohol-zone-1",
        "evidence",
        "AUDIT below 8 (zone I)",
        lambda f: f.audit_zone == 1,
        (),
        "consider",
        "Your AUDIT score is in the low-risk zone: information about drinking is what the "
        "WHO suggests; no treatment is suggested for alcohol.",
        "who-audit",
    ),
    Rule(
        "alcohol-zone-2",
        "evidence",
        "AUDIT from 8 to 15 (zone II)",
        lambda f: f.audit_zone == 2,
        (PEER_GROUP, PEER_FORUM),
        "consider",
        "Your AUDIT score is in the hazardous-drinking zone, where the WHO suggests simple "
        "advice on cutting down. A recovery group or space can help you do it.",
        "who-audit",
    ),
    Rule(
        "alcohol-zone-3",
        "evidence",
        "AUDIT from 16 to 19 (zone III)",
        lambda f: f.audit_zone == 3,
        (BOTH, THERAPY_CBT),
        "suggested",
        "Your AUDIT score is in the harmful-drinking zone, where the WHO suggests brief "
        "counselling and follow-up with a professional; mutual-help groups alongside help "
        "many people.",
        "who-audit",
    ),
    Rule(
        "alcohol-zone-4",
        "evidence",
        "AUDIT of 20 or more (zone IV)",
        lambda f: f.audit_zone == 4,
        (BOTH,),
        "suggested",
        "Your AUDIT score is in the zone where the WHO advises an assessment by a specialist "
        "for possible dependence. Please see a doctor before cutting down suddenly: stopping "
        "heavy drinking at once can be dangerous. NICE advises mutual-help groups alongside "
        "treatment.",
        "nice-cg115",
    ),
    # --- What matters to the person ---------------------------------------------------
    Rule(
        "wants-lived-experience",
        "preference",
        "'Talking with someone who has been through something similar' is very important",
        lambda f: f.answers.lived_experience == "very",
        (*PEER_OPTIONS, BOTH),
        "fits",
        "You said talking with someone who has been there matters a lot to you.",
        "white-2020",
    ),
    Rule(
        "wants-expertise",
        "preference",
        "'Help from a trained, licensed professional' is very important",
        lambda f: f.answers.expertise == "very",
        (*THERAPY_OPTIONS, BOTH),
        "fits",
        "You said help from a licensed professional matters a lot to you.",
        "nice-ng222",
    ),
    Rule(
        "no-expertise",
        "preference",
        "'Help from a trained, licensed professional' is not important",
        lambda f: f.answers.expertise == "not",
        (*PEER_OPTIONS,),
        "fits",
        "You said professional help is not what you are looking for right now.",
        "white-2020",
    ),
    Rule(
        "free-only",
        "preference",
        "The most the person can pay per session is 0",
        lambda f: f.answers.max_fee is not None and f.answers.max_fee == 0,
        (*PEER_OPTIONS,),
        "fits",
        "You said it needs to be free: peer support on Kindred is free.",
        "white-2020",
    ),
    Rule(
        "free-only-therapy",
        "preference",
        "The most the person can pay per session is 0",
        lambda f: f.answers.max_fee is not None and f.answers.max_fee == 0,
        (*THERAPY_OPTIONS, BOTH),
        "poor_fit",
        "You said it needs to be free: therapists here charge a fee, though some offer a "
        "sliding scale or take insurance, and public services may be free.",
        "nice-ng222",
    ),
    Rule(
        "privacy-matters",
        "preference",
        "'Keeping what I share private' is very important",
        lambda f: f.answers.privacy == "very",
        (*THERAPY_OPTIONS, PEER_ONE_TO_ONE),
        "fits",
        "You said privacy matters a lot: one-to-one conversations keep what you share "
        "between two people, and therapists are bound by professional confidentiality.",
        "nice-ng222",
    ),
    Rule(
        "privacy-group",
        "preference",
        "'Keeping what I share private' is very important",
        lambda f: f.answers.privacy == "very",
        (PEER_GROUP,),
        "poor_fit",
        "You said privacy matters a lot: in a group, everyone there hears what you share.",
        "lyons-2021",
    ),
    Rule(
        "wants-structure",
        "preference",
        "Prefers structure, a plan and goals",
        lambda f: f.answers.style == "structured",
        (THERAPY_CBT, PEER_GROUP, BOTH),
        "fits",
        "You said you prefer structure: CBT works to a plan with goals, and groups meet at "
        "set times with a facilitator.",
        "cuijpers-2013",
    ),
    Rule(
        "wants-informal",
        "preference",
        "Prefers informal sharing at their own pace",
        lambda f: f.answers.style == "informal",
        (PEER_FORUM, PEER_ONE_TO_ONE, THERAPY_HUMANISTIC),
        "fits",
        "You said you prefer informal sharing at your own pace.",
        "prescott-2017",
    ),
    Rule(
        "informal-cbt",
        "preference",
        "Prefers informal sharing at their own pace",
        lambda f: f.answers.style == "informal",
        (THERAPY_CBT,),
        "poor_fit",
        "You said you prefer informal sharing: CBT is structured, with goals and tasks "
        "between sessions.",
        "cuijpers-2013",
    ),
    Rule(
        "wants-group",
        "preference",
        "Chose 'in a group' as a format",
        lambda f: "group" in f.answers.formats,
        (PEER_GROUP,),
        "fits",
        "You said you would like to meet in a group.",
        "lyons-2021",
    ),
    Rule(
        "wants-one-to-one",
        "preference",
        "Chose 'one-to-one' as a format",
        lambda f: "one_to_one" in f.answers.formats,
        (PEER_ONE_TO_ONE, *THERAPY_OPTIONS),
        "fits",
        "You said you would like one-to-one support.",
        "white-2020",
    ),
    Rule(
        "wants-writing",
        "preference",
        "Chose 'writing' as a format",
        lambda f: "text" in f.answers.formats,
        (PEER_FORUM, PEER_ONE_TO_ONE),
        "fits",
        "You said you would like to write rather than talk.",
        "prescott-2017",
    ),
    Rule(
        "evenings-weekends",
        "preference",
        "Available only on weekday evenings or weekends",
        lambda f: bool(f.answers.times) and "weekday_daytime" not in f.answers.times,
        (PEER_FORUM,),
        "fits",
        "You said evenings or weekends suit you: forums are open at any hour.",
        "prescott-2017",
    ),
)
RULES_BY_ID: Final[dict[str, Rule]] = {rule.id: rule for rule in RULES}

_RANK: Final[dict[str, int]] = {"suggested": 0, "consider": 1, "fits": 2, "poor_fit": 3}


@dataclass(frozen=True)
class OptionVerdict:
    """One option as the rules see it for this person."""

    key: str
    evidence: Strength | None  # "suggested", "consider" or None
    evidence_reasons: tuple[Rule, ...]
    fits: tuple[Rule, ...]
    poor_fits: tuple[Rule, ...]


@dataclass(frozen=True)
class Outcome:
    fired: tuple[Rule, ...]
    immediate_risk: bool
    safety: tuple[Rule, ...]
    evidence: tuple[Rule, ...]
    verdicts: tuple[OptionVerdict, ...]  # every option, best supported first

    @property
    def suggested_options(self) -> tuple[str, ...]:
        return tuple(v.key for v in self.verdicts if v.evidence == "suggested")

    @property
    def considered_options(self) -> tuple[str, ...]:
        return tuple(v.key for v in self.verdicts if v.evidence == "consider")


def evaluate(facts: Facts) -> Outcome:
    """Run every rule; order the options by the evidence, then by fit, never drop one."""
    fired = tuple(rule for rule in RULES if rule.test(facts))
    safety = tuple(r for r in fired if r.kind == "safety")
    evidence = tuple(r for r in fired if r.kind == "evidence")
    preference = tuple(r for r in fired if r.kind == "preference")
    verdicts = []
    for option in OPTIONS:
        reasons = tuple(r for r in evidence if option.key in r.options)
        strengths = sorted((r.strength for r in reasons), key=lambda s: _RANK[s])
        verdicts.append(
            OptionVerdict(
                key=option.key,
                evidence=strengths[0] if strengths else None,
                evidence_reasons=reasons,
                fits=tuple(
                    r for r in preference if option.key in r.options and r.strength == "fits"
                ),
                poor_fits=tuple(
                    r for r in preference if option.key in r.options and r.strength == "poor_fit"
                ),
            )
        )
    order = {option.key: index for index, option in enumerate(OPTIONS)}
    verdicts.sort(
        key=lambda v: (
            _RANK[v.evidence] if v.evidence else len(_RANK),
            -(len(v.fits) - len(v.poor_fits)),
            order[v.key],
        )
    )
    return Outcome(
        fired=fired,
        immediate_risk=bool(safety),
        safety=safety,
        evidence=evidence,
        verdicts=tuple(verdicts),
    )
