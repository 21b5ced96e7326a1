"""What a questionnaire result suggests doing next, by the range (band) the total falls in.

Four steps, following stepped care (NICE CG123, "Common mental health problems: identifying
and pathways to care"): the lowest ranges keep doing what helps; mild symptoms are met with
low-intensity help (peer support, groups, guided self-help); moderate ones make talking to a
professional worth considering; the highest ranges, a probable disorder or a positive
screen for harmful use, point to a therapist or GP. Each instrument's own published
guidance decides where a band sits (PHQ-9 ≥ 10 and GAD-7 ≥ 10 are their referral
cut-points; AUDIT zone IV is "referral to specialist"; DAST-10 ≥ 6 "intensive assessment";
PCL-5 ≥ 31–33 "probable PTSD").

Thoughts of self-harm are not a band: the result page shows crisis support from the
critical items (PHQ-9 item 9) whatever the total, above these steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Step(StrEnum):
    KEEP_GOING = "keep_going"
    PEER_SUPPORT = "peer_support"
    CONSIDER_A_PROFESSIONAL = "consider_a_professional"
    SEE_A_PROFESSIONAL = "see_a_professional"


@dataclass(frozen=True)
class Link:
    label: str | Promise
    url_name: str


@dataclass(frozen=True)
class NextSteps:
    step: Step
    heading: str | Promise
    text: str | Promise
    links: tuple[Link, ...]


THERAPIST = Link(_("Find a therapist"), "therapy_directory")
GROUPS = Link(_("Join a support group"), "groups_list")
PEERS = Link(_("Talk with someone who has been there"), "peers_home")
SPACES = Link(_("Browse the community spaces"), "community_spaces")
GUIDE = Link(_("Not sure what fits? Use the guide"), "guide")

STEPS: dict[Step, NextSteps] = {
    Step.KEEP_GOING: NextSteps(
        Step.KEEP_GOING,
        _("Keep doing what helps"),
        _(
            "Your answers are in the lowest range. Keep doing what helps you, and check in "
            "again if things change. The community is here if you would like company."
        ),
        (SPACES, GROUPS),
    ),
    Step.PEER_SUPPORT: NextSteps(
        Step.PEER_SUPPORT,
        _("Support from people who have been there"),
        _(
            "Many people with answers in this range find it helps to talk with others who "
            "have been through something similar, in a group or one to one, and to use "
            "self-help. If it gets worse or lasts more than a few weeks, talk to a "
            "professional."
        ),
        (GROUPS, PEERS, GUIDE),
    ),
    Step.CONSIDER_A_PROFESSIONAL: NextSteps(
        Step.CONSIDER_A_PROFESSIONAL,
        _("Consider talking to a professional"),
        _(
            "At this range it is worth talking it over with a therapist or your GP (family "
            "doctor), especially if it has gone on for a few weeks or gets in the way of daily "
            "life. Peer support and groups can help alongside."
        ),
        (THERAPIST, GROUPS, PEERS),
    ),
    Step.SEE_A_PROFESSIONAL: NextSteps(
        Step.SEE_A_PROFESSIONAL,
        _("Talk to a therapist or your GP"),
        _(
            "Your answers suggest this is weighing on you a lot. A therapist or your GP "
            "(family doctor) can help you find what would help most; treatment works for "
            "most people. Show them this result if you like. Support from peers can help "
            "alongside, not instead."
        ),
        (THERAPIST, GUIDE, PEERS),
    ),
}

# Every band of every shipped instrument (tests/measures/test_next_steps.py holds the
# library to this, so a new instrument or band cannot go without a step).
BAND_STEPS: dict[str, dict[str, Step]] = {
    "phq9": {
        "minimal": Step.KEEP_GOING,
        "mild": Step.PEER_SUPPORT,
        "moderate": Step.CONSIDER_A_PROFESSIONAL,
        "moderately_severe": Step.SEE_A_PROFESSIONAL,
        "severe": Step.SEE_A_PROFESSIONAL,
    },
    "gad7": {
        "minimal": Step.KEEP_GOING,
        "mild": Step.PEER_SUPPORT,
        "moderate": Step.CONSIDER_A_PROFESSIONAL,
        "severe": Step.SEE_A_PROFESSIONAL,
    },
    # Two-item screens: a positive one is followed up with the full questionnaire and
    # someone who can assess, not treated as a severity.
    "phq2": {"negative": Step.KEEP_GOING, "positive": Step.CONSIDER_A_PROFESSIONAL},
    "gad2": {"negative": Step.KEEP_GOING, "positive": Step.CONSIDER_A_PROFESSIONAL},
    "who5": {
        "not_poor": Step.KEEP_GOING,
        "poor_wellbeing": Step.PEER_SUPPORT,
        "likely_depression": Step.CONSIDER_A_PROFESSIONAL,
    },
    "pcl5": {
        "below_cutpoint": Step.KEEP_GOING,
        "cutpoint_range": Step.CONSIDER_A_PROFESSIONAL,
        "probable_ptsd": Step.SEE_A_PROFESSIONAL,
    },
    "audit": {
        "zone_1": Step.KEEP_GOING,
        "zone_2": Step.PEER_SUPPORT,
        "zone_3": Step.CONSIDER_A_PROFESSIONAL,
        "zone_4": Step.SEE_A_PROFESSIONAL,
    },
    "auditc": {
        "negative": Step.KEEP_GOING,
        "positive_women": Step.CONSIDER_A_PROFESSIONAL,
        "positive": Step.CONSIDER_A_PROFESSIONAL,
    },
    "dast10": {
        "none": Step.KEEP_GOING,
        "low": Step.PEER_SUPPORT,
        "moderate": Step.CONSIDER_A_PROFESSIONAL,
        "substantial": Step.SEE_A_PROFESSIONAL,
        "severe": Step.SEE_A_PROFESSIONAL,
    },
}


def next_steps_for(instrument_id: str, band: str) -> NextSteps | None:
    """The steps for this band; None for a band nobody has placed (shown without steps)."""
    step = BAND_STEPS.get(instrument_id, {}).get(band)
    return STEPS[step] if step is not None else None
