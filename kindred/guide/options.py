"""What the decision guide says about each option: the one place this content lives.

The International Patient Decision Aid Standards (IPDAS) ask a decision aid to state
the decision, describe the options, and give their positive *and* negative features in
equal detail, with the evidence behind them, when the content was published and when
it will be updated. Everything the pages and the API show about an option comes from
here, and ``tests/guide/test_options.py`` checks the balance: every option has the same
number of benefits as downsides, the same number as every other option, and every
point names a source listed in :data:`SOURCES`.

Editing: change the text, then bump :data:`CONTENT_VERSION` and the update note so a
saved guide can say it was made with an older version.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

DECISION: Final = (
    "Which kind of support to try next for what you are going through: peer support "
    "(people with lived experience, one-to-one, in groups or in forums), therapy with a "
    "licensed professional, or both."
)
WHO_FOR: Final = (
    "Adults (18 or older) thinking about support for low mood, worry, drinking or other "
    "addictions, grief, caring for someone, or living with a long-term illness. Young "
    "people can use it too, but should also talk to a trusted adult or a doctor."
)
NOT_A_DIAGNOSIS: Final = (
    "This guide is not a diagnosis and does not replace a conversation with a doctor or "
    "therapist. It sets the options side by side, says what the evidence suggests for "
    "situations like yours, and leaves the choice with you."
)

PUBLISHED: Final = date(2026, 11, 26)
CONTENT_VERSION: Final = "2026-11-26"
NEXT_REVIEW: Final = date(2027, 11, 26)
UPDATE_NOTE: Final = (
    "First published version. The content and the rules are reviewed at least once a "
    "year, and sooner when the guidance they cite (NICE NG222, CG113, CG115, CG91) is "
    "updated."
)


@dataclass(frozen=True)
class Source:
    key: str
    short: str
    citation: str
    url: str


_SOURCE_LIST: Final = (
    Source(
        "nice-ng222",
        "NICE NG222",
        "NICE guideline NG222. Depression in adults: treatment and management. National "
        "Institute for Health and Care Excellence, 2022.",
        "https://www.nice.org.uk/guidance/ng222",
    ),
    Source(
        "nice-cg113",
        "NICE CG113",
        "NICE clinical guideline CG113. Generalised anxiety disorder and panic disorder in "
        "adults: management (stepped-care model). National Institute for Health and Care "
        "Excellence, 2011, updated 2019.",
        "https://www.nice.org.uk/guidance/cg113",
    ),
    Source(
        "nice-cg115",
        "NICE CG115",
        "NICE clinical guideline CG115. Alcohol-use disorders: diagnosis, assessment and "
        "management of harmful drinking (high-risk drinking) and alcohol dependence. "
        "National Institute for Health and Care Excellence, 2011.",
        "https://www.nice.org.uk/guidance/cg115",
    ),
    Source(
        "nice-cg91",
        "NICE CG91",
        "NICE clinical guideline CG91. Depression in adults with a chronic physical health "
        "problem: recognition and management. National Institute for Health and Care "
        "Excellence, 2009.",
        "https://www.nice.org.uk/guidance/cg91",
    ),
    Source(
        "nice-ng225",
        "NICE NG225",
        "NICE guideline NG225. Self-harm: assessment, management and preventing recurrence. "
        "National Institute for Health and Care Excellence, 2022.",
        "https://www.nice.org.uk/guidance/ng225",
    ),
    Source(
        "nice-ng134",
        "NICE NG134",
        "NICE guideline NG134. Depression in children and young people: identification and "
        "management. National Institute for Health and Care Excellence, 2019.",
        "https://www.nice.org.uk/guidance/ng134",
    ),
    Source(
        "who-audit",
        "WHO AUDIT manual",
        "Babor TF, Higgins-Biddle JC, Saunders JB, Monteiro MG. AUDIT: The Alcohol Use "
        "Disorders Identification Test. Guidelines for use in primary care, 2nd edition. "
        "World Health Organization, 2001 (risk zones I–IV).",
        "https://www.who.int/publications/i/item/WHO-MSD-MSB-01.6a",
    ),
    Source(
        "phq-manual",
        "PHQ-9 and PHQ-2 papers",
        "Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression "
        "severity measure. J Gen Intern Med 2001;16:606–13; and the PHQ-2, Med Care "
        "2003;41:1284–92 (a PHQ-2 of 3 or more is followed by the PHQ-9; any answer above "
        "'not at all' to item 9 needs a risk check).",
        "https://www.phqscreeners.com/",
    ),
    Source(
        "gad-manual",
        "GAD-7 and GAD-2 papers",
        "Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing "
        "generalized anxiety disorder: the GAD-7. Arch Intern Med 2006;166:1092–7; and "
        "Kroenke K et al., Ann Intern Med 2007;146:317–25 (GAD-2 of 3 or more).",
        "https://www.phqscreeners.com/",
    ),
    Source(
        "safety-planning",
        "Stanley and Brown 2012",
        "Stanley B, Brown GK. Safety Planning Intervention: a brief intervention to mitigate "
        "suicide risk. Cognitive and Behavioral Practice 2012;19:256–64.",
        "https://doi.org/10.1016/j.cbpra.2011.01.001",
    ),
    Source(
        "pfeiffer-2011",
        "Pfeiffer 2011",
        "Pfeiffer PN, Heisler M, Piette JD, Rogers MAM, Valenstein M. Efficacy of peer "
        "support interventions for depression: a meta-analysis. General Hospital "
        "Psychiatry 2011;33:29–36.",
        "https://doi.org/10.1016/j.genhosppsych.2010.10.002",
    ),
    Source(
        "white-2020",
        "White 2020",
        "White S, Foster R, Marks J, et al. The effectiveness of one-to-one peer support in "
        "mental health services: a systematic review and meta-analysis. BMC Psychiatry "
        "2020;20:534.",
        "https://doi.org/10.1186/s12888-020-02923-3",
    ),
    Source(
        "lyons-2021",
        "Lyons 2021",
        "Lyons N, Cooper C, Lloyd-Evans B. A systematic review and meta-analysis of group "
        "peer support interventions for people experiencing mental health conditions. BMC "
        "Psychiatry 2021;21:315.",
        "https://doi.org/10.1186/s12888-021-03321-z",
    ),
    Source(
        "kelly-2020",
        "Kelly 2020 (Cochrane)",
        "Kelly JF, Humphreys K, Ferri M. Alcoholics Anonymous and other 12-step programs for "
        "alcohol use disorder. Cochrane Database of Systematic Reviews 2020, CD012880.",
        "https://doi.org/10.1002/14651858.CD012880.pub2",
    ),
    Source(
        "prescott-2017",
        "Prescott 2017",
        "Prescott J, Hanley T, Ujhelyi K. Peer communication in online mental health forums "
        "for young people: directional and nondirectional support. JMIR Mental Health "
        "2017;4:e29.",
        "https://doi.org/10.2196/mental.6921",
    ),
    Source(
        "marchant-2017",
        "Marchant 2017",
        "Marchant A, Hawton K, Stewart A, et al. A systematic review of the relationship "
        "between internet use, self-harm and suicidal behaviour in young people: the good, "
        "the bad and the unknown. PLoS One 2017;12:e0181722.",
        "https://doi.org/10.1371/journal.pone.0181722",
    ),
    Source(
        "cuijpers-2013",
        "Cuijpers 2013",
        "Cuijpers P, Berking M, Andersson G, et al. A meta-analysis of cognitive-behavioural "
        "therapy for adult depression, alone and in comparison with other treatments. "
        "Canadian Journal of Psychiatry 2013;58:376–85.",
        "https://doi.org/10.1177/070674371305800702",
    ),
    Source(
        "driessen-2015",
        "Driessen 2015",
        "Driessen E, Hegelmaier LM, Abbass AA, et al. The efficacy of short-term "
        "psychodynamic psychotherapy for depression: a meta-analysis update. Clinical "
        "Psychology Review 2015;42:1–15.",
        "https://doi.org/10.1016/j.cpr.2015.07.004",
    ),
    Source(
        "elliott-2021",
        "Elliott 2021",
        "Elliott R, Watson J, Timulak L, Sharbanee J. Research on humanistic-experiential "
        "psychotherapies: updated review. In: Bergin and Garfield's Handbook of "
        "Psychotherapy and Behavior Change, 7th edition. Wiley, 2021.",
        "https://www.wiley.com/en-us/9781119536581",
    ),
    Source(
        "crawford-2016",
        "Crawford 2016",
        "Crawford MJ, Thana L, Farquharson L, et al. Patient experience of negative effects "
        "of psychological treatment: results of a national survey. British Journal of "
        "Psychiatry 2016;208:260–5.",
        "https://doi.org/10.1192/bjp.bp.115.162628",
    ),
    Source(
        "cuijpers-2014",
        "Cuijpers 2014",
        "Cuijpers P, Sijbrandij M, Koole SL, et al. Adding psychotherapy to antidepressant "
        "medication in depression and anxiety disorders: a meta-analysis. World Psychiatry "
        "2014;13:56–67.",
        "https://doi.org/10.1002/wps.20089",
    ),
    Source(
        "ipdas-2013",
        "IPDAS criteria (Joseph-Williams 2014)",
        "Joseph-Williams N, Newcombe R, Politi M, et al. Toward minimum standards for "
        "certifying patient decision aids: a modified Delphi consensus process (IPDAS "
        "qualifying criteria). Medical Decision Making 2014;34:699–710.",
        "https://doi.org/10.1177/0272989X13501721",
    ),
)
SOURCES: Final[dict[str, Source]] = {source.key: source for source in _SOURCE_LIST}


@dataclass(frozen=True)
class Point:
    text: str
    source: str  # a key of SOURCES

    @property
    def ref(self) -> Source:
        return SOURCES[self.source]


@dataclass(frozen=True)
class Option:
    key: str
    family: str  # "peer", "therapy" or "both"
    title: str
    summary: str
    what_happens: str
    cost: str
    benefits: tuple[Point, ...]
    downsides: tuple[Point, ...]
    # Therapy modality codes (kindred.therapy.vocabulary.MODALITIES) this option covers.
    modalities: tuple[str, ...] = ()


PEER_ONE_TO_ONE = "peer_one_to_one"
PEER_GROUP = "peer_group"
PEER_FORUM = "peer_forum"
THERAPY_CBT = "therapy_cbt"
THERAPY_PSYCHODYNAMIC = "therapy_psychodynamic"
THERAPY_HUMANISTIC = "therapy_humanistic"
BOTH = "both"

PEER_OPTIONS: Final = (PEER_ONE_TO_ONE, PEER_GROUP, PEER_FORUM)
THERAPY_OPTIONS: Final = (THERAPY_CBT, THERAPY_PSYCHODYNAMIC, THERAPY_HUMANISTIC)

OPTIONS: Final[tuple[Option, ...]] = (
    Option(
        key=PEER_ONE_TO_ONE,
        family="peer",
        title="Peer support, one-to-one",
        summary="Regular conversations with one trained peer supporter who has lived through "
        "something like what you are facing.",
        what_happens="You and a peer supporter both accept a connection, then talk in private "
        "messages or arranged chats, at a pace you agree.",
        cost="Free on Kindred.",
        benefits=(
            Point(
                "Talking with someone who has been there can build hope and a sense of being "
                "understood; reviews find gains in self-reported recovery and empowerment.",
                "white-2020",
            ),
            Point(
                "Peer support has been found to reduce depressive symptoms compared with "
                "usual care alone in controlled studies.",
                "pfeiffer-2011",
            ),
            Point(
                "It is informal and free, and can start quickly without a referral.",
                "white-2020",
            ),
        ),
        downsides=(
            Point(
                "Trials show little or no effect of one-to-one peer support on clinical "
                "symptoms or hospital use; the gains are mostly in hope and recovery.",
                "white-2020",
            ),
            Point(
                "A peer supporter is not a clinician: they cannot diagnose, treat, or manage "
                "a crisis, and the studies were small and varied.",
                "pfeiffer-2011",
            ),
            Point(
                "What you share is private between you, but a peer is not bound by the "
                "professional confidentiality rules a licensed therapist is.",
                "white-2020",
            ),
        ),
    ),
    Option(
        key=PEER_GROUP,
        family="peer",
        title="Peer support groups",
        summary="Regular group sessions, run by a trained facilitator with lived experience, "
        "with people facing similar things.",
        what_happens="You sign up for a recurring session (online or in person), join when you "
        "can, and share as much or as little as you like.",
        cost="Free on Kindred.",
        benefits=(
            Point(
                "Group peer support gives small improvements in hope, recovery and "
                "empowerment in reviews of controlled studies.",
                "lyons-2021",
            ),
            Point(
                "For alcohol problems, mutual-help groups (such as AA and other 12-step "
                "programmes) help more people stay abstinent than several other treatments.",
                "kelly-2020",
            ),
            Point(
                "For depression alongside a long-term physical illness, NICE suggests "
                "group-based peer support as one of the first options to consider.",
                "nice-cg91",
            ),
        ),
        downsides=(
            Point(
                "Reviews find little evidence that groups reduce clinical symptoms of "
                "depression or anxiety on their own.",
                "lyons-2021",
            ),
            Point(
                "Sessions run at set times, and what you share is heard by the whole group, "
                "which some people find hard.",
                "lyons-2021",
            ),
            Point(
                "For more severe depression, NICE recommends treatment from a trained "
                "professional; a group is not a substitute for it.",
                "nice-ng222",
            ),
        ),
    ),
    Option(
        key=PEER_FORUM,
        family="peer",
        title="Peer support forums (community spaces)",
        summary="Themed online spaces where people post and reply under a handle, at any hour.",
        what_happens="You read without signing in, or join to post and reply under a public "
        "handle that is never linked to your name.",
        cost="Free on Kindred.",
        benefits=(
            Point(
                "Forums are open at any time and let you read first and post when ready.",
                "prescott-2017",
            ),
            Point(
                "People in forums give each other both practical advice and emotional "
                "support, and many find it easier to open up under a handle.",
                "prescott-2017",
            ),
            Point(
                "Online communities can reduce isolation and offer a route to other help.",
                "marchant-2017",
            ),
        ),
        downsides=(
            Point(
                "Advice from other members is not checked by a professional and may not suit you.",
                "prescott-2017",
            ),
            Point(
                "Some online content about self-harm and suicide can do harm; Kindred "
                "screens posts, but moderators do not read everything in real time.",
                "marchant-2017",
            ),
            Point(
                "There is little evidence from trials that forum use on its own reduces symptoms.",
                "marchant-2017",
            ),
        ),
    ),
    Option(
        key=THERAPY_CBT,
        family="therapy",
        title="Therapy: cognitive behavioural therapy (CBT)",
        summary="Structured sessions with a licensed therapist that work on the links between "
        "thoughts, feelings and what you do, with goals and homework.",
        what_happens="Usually 8 to 16 weekly sessions with a therapist (or guided self-help "
        "based on CBT), with short questionnaires to track progress.",
        cost="Therapists here set their own fees; some offer a sliding scale or take "
        "insurance. Public services may offer it free.",
        benefits=(
            Point(
                "CBT is one of the best-studied talking therapies for depression and works "
                "better than usual care or waiting.",
                "cuijpers-2013",
            ),
            Point(
                "NICE recommends CBT-based treatments for generalised anxiety (guided "
                "self-help, then individual CBT) and for depression of any severity.",
                "nice-cg113",
            ),
            Point(
                "A licensed professional works to a plan with measurable goals and is bound "
                "by professional confidentiality.",
                "nice-ng222",
            ),
        ),
        downsides=(
            Point(
                "It asks for effort between sessions, and not everyone improves: in trials "
                "many people still have symptoms at the end.",
                "cuijpers-2013",
            ),
            Point(
                "A minority of people report lasting unwanted effects from psychological "
                "treatment.",
                "crawford-2016",
            ),
            Point(
                "It can cost money and there may be a wait; sessions are at set times.",
                "nice-ng222",
            ),
        ),
        modalities=("cbt", "mbct"),
    ),
    Option(
        key=THERAPY_PSYCHODYNAMIC,
        family="therapy",
        title="Therapy: short-term psychodynamic therapy",
        summary="Sessions with a licensed therapist that explore how past experiences and "
        "relationships shape how you feel now.",
        what_happens="Usually up to 16 to 20 weekly sessions, less structured than CBT, led "
        "by what you bring.",
        cost="Therapists here set their own fees; some offer a sliding scale or take insurance.",
        benefits=(
            Point(
                "Short-term psychodynamic therapy reduces depressive symptoms compared with "
                "control conditions in trials.",
                "driessen-2015",
            ),
            Point(
                "NICE lists it among the options to discuss for less severe depression.",
                "nice-ng222",
            ),
            Point(
                "It suits people who want to understand patterns in their relationships, "
                "with a professional bound by confidentiality.",
                "driessen-2015",
            ),
        ),
        downsides=(
            Point(
                "There are fewer and smaller trials than for CBT, so the evidence is less certain.",
                "driessen-2015",
            ),
            Point(
                "A minority of people report lasting unwanted effects from psychological "
                "treatment.",
                "crawford-2016",
            ),
            Point(
                "It can cost money, and for more severe depression NICE puts it after "
                "treatments with stronger evidence.",
                "nice-ng222",
            ),
        ),
        modalities=("psychodynamic",),
    ),
    Option(
        key=THERAPY_HUMANISTIC,
        family="therapy",
        title="Therapy: counselling (humanistic, person-centred)",
        summary="Sessions with a licensed counsellor or therapist who listens without "
        "judgement and helps you find your own way forward.",
        what_happens="Weekly sessions, often 6 to 16, following what matters to you rather "
        "than a fixed programme.",
        cost="Therapists here set their own fees; some offer a sliding scale or take insurance.",
        benefits=(
            Point(
                "Humanistic therapies lead to large improvements from before to after "
                "therapy in many studies.",
                "elliott-2021",
            ),
            Point(
                "NICE lists counselling among the options to discuss for less severe depression.",
                "nice-ng222",
            ),
            Point(
                "It is less structured and led by you, with a professional bound by "
                "confidentiality.",
                "elliott-2021",
            ),
        ),
        downsides=(
            Point(
                "Compared with CBT, the evidence is more mixed, especially for anxiety.",
                "elliott-2021",
            ),
            Point(
                "A minority of people report lasting unwanted effects from psychological "
                "treatment.",
                "crawford-2016",
            ),
            Point(
                "It can cost money, and for more severe depression NICE puts it after "
                "treatments with stronger evidence.",
                "nice-ng222",
            ),
        ),
        modalities=("humanistic",),
    ),
    Option(
        key=BOTH,
        family="both",
        title="Both: therapy and peer support together",
        summary="Work with a therapist on a plan, and keep a peer group, forum or peer "
        "supporter alongside.",
        what_happens="You book a therapist and join a group or space; you decide what, if "
        "anything, each of them may see of the other.",
        cost="The therapist's fee; peer support stays free.",
        benefits=(
            Point(
                "Combining treatments tends to help more than one alone; in depression and "
                "anxiety, adding psychotherapy to medication improves outcomes.",
                "cuijpers-2014",
            ),
            Point(
                "Peer support adds hope and understanding that sessions with a professional "
                "may not give.",
                "white-2020",
            ),
            Point(
                "For alcohol problems, NICE advises helping people join mutual-help groups "
                "alongside treatment.",
                "nice-cg115",
            ),
        ),
        downsides=(
            Point(
                "Trials of therapy plus peer support together are few; the benefit of "
                "combining these two is not well measured.",
                "cuijpers-2014",
            ),
            Point(
                "It takes more time each week, and advice from peers and from a therapist "
                "may sometimes differ.",
                "white-2020",
            ),
            Point(
                "It costs what the therapy costs, and there may be a wait for it.",
                "nice-ng222",
            ),
        ),
    ),
)
OPTIONS_BY_KEY: Final[dict[str, Option]] = {option.key: option for option in OPTIONS}


def get_option(key: str) -> Option:
    return OPTIONS_BY_KEY[key]
