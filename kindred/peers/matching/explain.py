"""Why two people were matched, in plain words, from signals both of them actually have.

``story_themes`` reads a story with a small lexicon of life experiences. It is deliberately
simple and readable: a theme is claimed only from first-person wording ("my mum died", not
"her mum died"), and a match is dropped when a negation comes shortly before it in the same
clause ("I haven't lost anyone", "I was never diagnosed"). Phrasings that carry their own
negation ("haven't had a drink in 40 days") are written into the patterns themselves. A theme
the lexicon misses costs only a line of explanation; a theme it invents would put words in
someone's mouth, so patterns err towards missing.

``explain`` uses only the intersection of the two profiles' themes, tags and free time. The
embedding similarity is never explained in words: it is not a fact about either person.
"""

from __future__ import annotations

import re

from kindred.peers.matching.profile import MatchProfile
from kindred.peers.matching.score import Score, semantic_similarity
from kindred.peers.taxonomy import AVAILABILITY_SLOTS, TAGS, WEEKDAYS

_MY = r"\b(?:my|our)\s+(?:late\s+|dear\s+|beloved\s+|lovely\s+)?"
_PARENT = r"(?:mum|mom|mother|mam|mummy|mommy|dad|father|daddy|papa|parents?)"
_PARTNER = r"(?:husband|wife|partner|fianc[eé]e?|boyfriend|girlfriend|spouse)"
_CHILD = r"(?:son|daughter|child|baby boy|baby girl|little boy|little girl|boy|girl|kid)"
_SIBLING = r"(?:brother|sister|sibling|twin)"
_DIED = (
    r"(?:died|passed(?:\s+away)?|was\s+killed|took\s+(?:his|her|their)\s+(?:own\s+)?life|"
    r"lost\s+(?:his|her|their)\s+(?:battle|fight)|is\s+gone|was\s+stillborn)"
)


def _lost(who: str) -> list[str]:
    return [
        rf"{_MY}{who}\b[^.;!?]{{0,40}}?\b{_DIED}",
        rf"\b(?:lost|losing|buried|burying)\s+(?:my|our)\s+(?:\w+\s+)?{who}\b",
        rf"\bdeath\s+of\s+(?:my|our)\s+(?:\w+\s+)?{who}\b",
        rf"{_MY}{who}'?s?\s+(?:death|funeral|passing)",
    ]


# theme id -> (label used after "You both wrote about", patterns)
_LEXICON: dict[str, tuple[str, list[str]]] = {
    "lost_parent": ("losing a parent", _lost(_PARENT)),
    "lost_partner": ("losing a partner", _lost(_PARTNER)),
    "lost_child": ("losing a child", _lost(_CHILD)),
    "lost_sibling": ("losing a brother or sister", _lost(_SIBLING)),
    "pregnancy_loss": (
        "losing a pregnancy or a baby",
        [
            r"\b(?:miscarriage|miscarried|stillbirth|stillborn|ectopic|lost\s+(?:the|our|my)\s+baby)\b"
        ],
    ),
    "suicide_loss": (
        "losing someone to suicide",
        [
            r"\b(?:took|taken)\s+(?:his|her|their)\s+(?:own\s+)?life\b",
            r"\b(?:died|lost\s+\w+)\s+(?:by|to)\s+suicide\b",
        ],
    ),
    "grief": (
        "grief",
        [r"\b(?:grief|grieving|bereave(?:d|ment)|mourning)\b"],
    ),
    "early_recovery": (
        "the first months of recovery",
        [
            r"\b(?:\d+|a few|two|three|four|five|six|seven|eight|nine|ten|eleven)\s+(?:days?|weeks?|months?)\s+(?:sober|clean|dry|without\s+a\s+drink)\b",
            r"\b(?:haven't|have\s+not|not)\s+(?:had\s+a\s+drink|drunk|used|gambled|placed\s+a\s+bet)\s+(?:in|for)\s+(?:\d+|a few|two|three|four|five|six|seven|eight|nine|ten|eleven)\s+(?:days?|weeks?|months?)\b",
            r"\b(?:just|recently)\s+(?:got|gotten|came|come)\s+(?:sober|clean|out\s+of\s+(?:rehab|detox))\b",
            r"\b(?:early|first\s+(?:year|months?|weeks?)\s+(?:of|in))\s+recovery\b",
            r"\bout\s+of\s+(?:rehab|detox)\b",
        ],
    ),
    "long_recovery": (
        "years of recovery",
        [
            r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twenty)\s+years?\s+(?:sober|clean|dry|in\s+recovery)\b",
            r"\b(?:sober|clean)\s+(?:for|since)\s+(?:\d+|two|three|four|five|six|seven|eight|nine|ten|twenty)\s+years\b",
        ],
    ),
    "relapse": ("relapse", [r"\b(?:relapsed?|relapsing|slipped\s+up|picked\s+up\s+again)\b"]),
    "alcohol": (
        "drinking",
        [
            r"\b(?:alcoholic|alcoholism|alcohol|drinking\s+problem|problem\s+with\s+drink(?:ing)?|AA\s+meetings?)\b"
        ],
    ),
    "drugs": (
        "drug use",
        [
            r"\b(?:heroin|opioids?|opiates?|fentanyl|methadone|cocaine|crack|meth|amphetamines?|ketamine|addicted\s+to\s+(?:pills|painkillers))\b",
            r"\bNA\s+meetings?\b",
        ],
    ),
    "gambling": ("gambling", [r"\b(?:gambling|gambled|betting|bookies|slot\s+machines?)\b"]),
    "new_diagnosis": (
        "a new diagnosis",
        [
            r"\b(?:was|were|got|been|just|recently|finally)\s+(?:just\s+|recently\s+|finally\s+)?diagnosed\b",
            r"\b(?:new|recent)\s+diagnosis\b",
            # A clause that opens with "Diagnosed with ..." speaks of the writer.
            r"^\s*(?:just\s+|recently\s+|finally\s+)?diagnosed\b",
            r"\bdiagnosis\s+(?:last|this)\s+(?:week|month|year|spring|summer|autumn|winter)\b",
        ],
    ),
    "chronic_pain": (
        "living with pain every day",
        [
            r"\bchronic\s+pain\b",
            r"\bfibromyalgia\b",
            r"\bpain\s+(?:every\s+day|all\s+the\s+time|never\s+stops|that\s+never\s+goes)\b",
        ],
    ),
    "fatigue": (
        "exhausting fatigue",
        [
            r"\b(?:ME/CFS|CFS|chronic\s+fatigue|long\s+covid|post-exertional|crash(?:ed)?\s+for\s+days)\b"
        ],
    ),
    "cancer": (
        "cancer",
        [r"\b(?:cancer|chemo(?:therapy)?|tumou?r|oncologist|radiotherapy|in\s+remission)\b"],
    ),
    "job_loss": (
        "losing a job",
        [
            r"\b(?:was|got|been|being|were)\s+(?:made\s+)?(?:laid\s+off|redundant|fired|let\s+go|sacked)\b",
            r"\b(?:lost|losing)\s+my\s+(?:job|career|position)\b",
            r"\bredundancy\b",
            r"\bunemployed\b",
        ],
    ),
    "caring": (
        "caring for someone",
        [
            r"\b(?:I\s+am|I'm|I've\s+been|I\s+have\s+been|became)\s+(?:the\s+|a\s+|his\s+|her\s+|their\s+)?(?:full[- ]time\s+|main\s+|sole\s+|unpaid\s+)?carer\b",
            r"\b(?:caring|care)\s+for\s+(?:my|our)\b",
            r"\blooking\s+after\s+(?:my|our)\s+(?:\w+\s+)?(?:mum|mom|mother|dad|father|husband|wife|partner|son|daughter|parents?|nan|gran)\b",
        ],
    ),
    "dementia": ("dementia", [r"\b(?:dementia|alzheimer'?s)\b"]),
    "divorce": (
        "a separation",
        [r"\b(?:divorce[ds]?|divorcing|separated|separation|marriage\s+(?:ended|broke\s+down))\b"],
    ),
    "coming_out": ("coming out", [r"\bcame\s+out\b", r"\bcoming\s+out\b"]),
    "gender_identity": (
        "gender identity",
        [r"\b(?:trans|transgender|non-binary|nonbinary|transition(?:ing|ed)?|dysphoria)\b"],
    ),
    "panic": ("panic attacks", [r"\bpanic\s+attacks?\b"]),
    "postnatal": (
        "a hard time after having a baby",
        [r"\b(?:postnatal|postpartum|post-natal|post-partum)\b"],
    ),
    "self_harm": (
        "self-harm",
        [r"\b(?:self[- ]harm(?:ing)?|cutting\s+myself|hurt(?:ing)?\s+myself)\b"],
    ),
    "loneliness": ("loneliness", [r"\b(?:lonely|loneliness|isolated|no\s+one\s+to\s+talk\s+to)\b"]),
    "moving_country": (
        "moving to a new country",
        [
            r"\b(?:moved|moving|emigrated|came)\s+(?:here\s+)?(?:to\s+(?:the\s+)?(?:UK|US|this\s+country|a\s+new\s+country)|from\s+abroad)\b"
        ],
    ),
    "infertility": ("infertility", [r"\b(?:infertil(?:e|ity)|IVF|trying\s+to\s+conceive)\b"]),
}

THEME_LABELS: dict[str, str] = {k: label for k, (label, _) in _LEXICON.items()}

_PATTERNS: dict[str, list[re.Pattern[str]]] = {
    k: [re.compile(p, re.IGNORECASE) for p in pats] for k, (_, pats) in _LEXICON.items()
}

# Cue words that deny what follows them in the same clause.
_NEGATION = re.compile(
    r"\b(?:not|no|never|nobody|none|neither|nor|without|hardly|"
    r"haven't|hasn't|hadn't|didn't|don't|doesn't|isn't|wasn't|weren't|aren't|won't|wouldn't|"
    r"can't|cannot|couldn't|shouldn't|havent|hasnt|didnt|dont|doesnt|isnt|wasnt|"
    r"luckily\s+not|thankfully\s+not)\b",
    re.IGNORECASE,
)
# How far back (in characters) a negation can reach within a clause.
_NEG_WINDOW = 40
# A clause ends at sentence punctuation or where a contrast turns it round.
_CLAUSE = re.compile(r"[.!?;\n]+|,\s*(?:but|although|though|yet)\b|\s(?:but|although|though)\s")


def _clauses(text: str) -> list[str]:
    return [c for c in _CLAUSE.split(text) if c and c.strip()]


def _negated(clause: str, start: int) -> bool:
    before = clause[max(0, start - _NEG_WINDOW) : start]
    return _NEGATION.search(before) is not None


def story_themes(text: str) -> frozenset[str]:
    """Life-experience themes the writer states about themselves in ``text``."""
    found: set[str] = set()
    for clause in _clauses(text or ""):
        for theme, patterns in _PATTERNS.items():
            if theme in found:
                continue
            for pattern in patterns:
                if any(not _negated(clause, m.start()) for m in pattern.finditer(clause)):
                    found.add(theme)
                    break
    return frozenset(found)


_PART_PLURAL = {"morning": "mornings", "afternoon": "afternoons", "evening": "evenings"}
_DAY_NAMES = {slot.split("_")[0]: label.split()[0] for slot, label in AVAILABILITY_SLOTS.items()}
_DAY_ORDER = list(_DAY_NAMES)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


def describe_slots(slots: tuple[str, ...] | frozenset[str]) -> str:
    """ "weekday evenings and Saturday mornings" from slot ids (unknown ids are ignored)."""
    by_part: dict[str, list[str]] = {}
    for slot in slots:
        if slot not in AVAILABILITY_SLOTS:
            continue
        day, part = slot.split("_")
        by_part.setdefault(part, []).append(day)
    phrases = []
    for part in ("morning", "afternoon", "evening"):
        days = sorted(set(by_part.get(part, [])), key=_DAY_ORDER.index)
        if not days:
            continue
        plural = _PART_PLURAL[part]
        if len(days) == 7:
            phrases.append(f"every {plural[:-1]}")
        elif set(days) == set(WEEKDAYS):
            phrases.append(f"weekday {plural}")
        elif set(days) == {"sat", "sun"}:
            phrases.append(f"weekend {plural}")
        else:
            phrases.append(f"{_join([_DAY_NAMES[d] for d in days])} {plural}")
    return _join(phrases)


# A tag and a theme that say the same thing are mentioned once, as the tag's label.
_THEME_OF_TAG = {
    "bereavement.parent": "lost_parent",
    "bereavement.partner": "lost_partner",
    "bereavement.child": "lost_child",
    "bereavement.sibling": "lost_sibling",
    "bereavement.pregnancy": "pregnancy_loss",
    "bereavement.suicide": "suicide_loss",
    "recovery.early": "early_recovery",
    "recovery.long_term": "long_recovery",
    "recovery.gambling": "gambling",
    "chronic_illness.new_diagnosis": "new_diagnosis",
    "chronic_illness.chronic_pain": "chronic_pain",
    "chronic_illness.cancer": "cancer",
    "life_event.job_loss": "job_loss",
    "life_event.caring": "caring",
    "life_event.caring_dementia": "dementia",
    "life_event.divorce": "divorce",
    "life_event.infertility": "infertility",
    "life_event.moving_country": "moving_country",
    "identity.coming_out": "coming_out",
    "condition.panic": "panic",
    "condition.postnatal": "postnatal",
    "condition.self_harm": "self_harm",
    "condition.loneliness": "loneliness",
}

_MAX_TAGS = 3
_MAX_THEMES = 3


def explain(seeker: MatchProfile, other: MatchProfile, score: Score) -> str:
    """One or more plain sentences naming what both people share; never a one-sided signal.

    The shared sets are recomputed from the profiles (a stale or hand-made ``score`` cannot
    make it claim something one side lacks); ``score`` only orders what is said.
    """
    shared_tags = [t for t in score.shared_tags if t in seeker.tags and t in other.tags]
    shared_tags += sorted(
        (seeker.tags & other.tags) - set(shared_tags),
        key=lambda t: -TAGS[t].specificity if t in TAGS else 0.0,
    )
    shared_tags = [t for t in shared_tags if t in TAGS][:_MAX_TAGS]
    covered = {_THEME_OF_TAG[t] for t in shared_tags if t in _THEME_OF_TAG}
    shared_themes = [
        t
        for t in sorted(seeker.story_themes & other.story_themes)
        if t in THEME_LABELS and t not in covered
    ][:_MAX_THEMES]
    shared_slots = seeker.availability & other.availability

    sentences = []
    if shared_tags:
        labels = [f"“{TAGS[t].label}”" for t in shared_tags]
        sentences.append(f"You both chose {_join(labels)}.")
    if shared_themes:
        sentences.append(f"You both wrote about {_join([THEME_LABELS[t] for t in shared_themes])}.")
    when = describe_slots(frozenset(shared_slots))
    if when:
        sentences.append(f"You are both free on {when}.")
    if not sentences and _stories_close(seeker, other):
        sentences.append("What you each wrote about your experience is close.")
    return " ".join(sentences)


# Below this cosine similarity two stories are not called "close" (unrelated stories score
# about 0.1-0.3 with this model, stories about the same experience 0.5 and up).
STORY_CLOSE = 0.45


def _stories_close(seeker: MatchProfile, other: MatchProfile) -> bool:
    return semantic_similarity(seeker.vector, other.vector) >= STORY_CLOSE
