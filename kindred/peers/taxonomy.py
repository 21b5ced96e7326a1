"""The fixed vocabulary a peer profile is built from: lived-experience tags, availability slots
and what a person is looking for.

Tags are chosen by the person (never inferred), so the list is short enough to read in one go
and written in the words people use. ``specificity`` says how much sharing the tag tells two
people about each other: sharing "living with depression" is common and says little, sharing
"losing a child" or "living with ME/CFS" says a lot. Values are a judgement (roughly: how rare
the experience is among people who come to a peer-support service), not fitted to data; the
matcher weights shared tags by it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

CATEGORIES: tuple[str, ...] = ("condition", "recovery", "chronic_illness", "life_event", "identity")

CATEGORY_LABELS: dict[str, str] = {
    "condition": "Mental health",
    "recovery": "Recovery",
    "chronic_illness": "Long-term illness",
    "life_event": "Life events",
    "identity": "Identity",
}


@dataclass(frozen=True)
class Tag:
    id: str
    label: str
    category: str
    specificity: float


def _tags(category: str, rows: Iterable[tuple[str, str, float]]) -> list[Tag]:
    return [Tag(id=i, label=label, category=category, specificity=s) for i, label, s in rows]


_ALL: list[Tag] = [
    *_tags(
        "condition",
        [
            ("condition.depression", "Living with depression", 0.3),
            ("condition.anxiety", "Living with anxiety", 0.25),
            ("condition.panic", "Panic attacks", 0.45),
            ("condition.ptsd", "PTSD or trauma", 0.55),
            ("condition.ocd", "OCD", 0.7),
            ("condition.bipolar", "Bipolar disorder", 0.75),
            ("condition.eating_disorder", "Eating disorder", 0.7),
            ("condition.postnatal", "Postnatal depression or anxiety", 0.8),
            ("condition.psychosis", "Psychosis", 0.85),
            ("condition.self_harm", "Self-harm", 0.65),
            ("condition.adhd", "ADHD", 0.55),
            ("condition.loneliness", "Loneliness", 0.2),
        ],
    ),
    *_tags(
        "recovery",
        [
            ("recovery.alcohol", "Recovering from alcohol", 0.55),
            ("recovery.opioids", "Recovering from opioids", 0.8),
            ("recovery.stimulants", "Recovering from stimulants", 0.8),
            ("recovery.cannabis", "Recovering from cannabis", 0.7),
            ("recovery.gambling", "Recovering from gambling", 0.8),
            ("recovery.early", "Early recovery (first year)", 0.5),
            ("recovery.long_term", "Long-term recovery", 0.55),
            ("recovery.family", "Someone I love is using", 0.65),
        ],
    ),
    *_tags(
        "chronic_illness",
        [
            ("chronic_illness.chronic_pain", "Chronic pain", 0.5),
            ("chronic_illness.cancer", "Living with cancer", 0.65),
            ("chronic_illness.diabetes", "Diabetes", 0.6),
            ("chronic_illness.me_cfs", "ME/CFS or long COVID", 0.85),
            ("chronic_illness.ms", "Multiple sclerosis", 0.9),
            ("chronic_illness.ibd", "Crohn's or colitis", 0.85),
            ("chronic_illness.autoimmune", "Lupus or another autoimmune illness", 0.8),
            ("chronic_illness.new_diagnosis", "A new diagnosis", 0.45),
        ],
    ),
    *_tags(
        "life_event",
        [
            ("bereavement.parent", "Losing a parent", 0.45),
            ("bereavement.partner", "Losing a partner", 0.7),
            ("bereavement.child", "Losing a child", 0.95),
            ("bereavement.pregnancy", "Miscarriage or baby loss", 0.85),
            ("bereavement.suicide", "Losing someone to suicide", 0.9),
            ("bereavement.sibling", "Losing a brother or sister", 0.75),
            ("life_event.caring", "Caring for someone", 0.45),
            ("life_event.caring_dementia", "Caring for someone with dementia", 0.75),
            ("life_event.job_loss", "Losing a job", 0.4),
            ("life_event.divorce", "Divorce or separation", 0.4),
            ("life_event.infertility", "Infertility", 0.8),
            ("life_event.new_parent", "Becoming a parent", 0.35),
            ("life_event.abuse", "Surviving abuse", 0.6),
            ("life_event.moving_country", "Moving to a new country", 0.5),
            ("life_event.retirement", "Retiring", 0.5),
            ("life_event.student", "Studying away from home", 0.35),
        ],
    ),
    *_tags(
        "identity",
        [
            ("identity.lgbtq", "LGBTQ+", 0.5),
            ("identity.trans", "Trans or non-binary", 0.75),
            ("identity.coming_out", "Coming out", 0.65),
            ("identity.neurodivergent", "Neurodivergent", 0.5),
            ("identity.disability", "Living with a disability", 0.5),
            ("identity.faith", "Faith and belief", 0.4),
            ("identity.racism", "Experiencing racism", 0.55),
        ],
    ),
]

TAGS: dict[str, Tag] = {t.id: t for t in _ALL}

_DAYS = (
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
)
_PARTS = (("morning", "mornings"), ("afternoon", "afternoons"), ("evening", "evenings"))

AVAILABILITY_SLOTS: dict[str, str] = {
    f"{d}_{p}": f"{day} {plural}" for d, day in _DAYS for p, plural in _PARTS
}

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")

SEEKS: tuple[str, ...] = ("support", "give_support", "both")

SEEKS_LABELS: dict[str, str] = {
    "support": "Looking for support",
    "give_support": "Offering support",
    "both": "Both",
}


def validate_tags(ids: Iterable[str]) -> list[str]:
    """Known tag ids, de-duplicated, in the given order; ValueError names every unknown one."""
    out: list[str] = []
    unknown: list[str] = []
    for i in ids:
        if i not in TAGS:
            unknown.append(str(i))
        elif i not in out:
            out.append(i)
    if unknown:
        raise ValueError(f"Unknown tag(s): {', '.join(sorted(set(unknown)))}")
    return out


def validate_slots(ids: Iterable[str]) -> list[str]:
    """Like ``validate_tags`` for availability slot ids."""
    out: list[str] = []
    unknown: list[str] = []
    for i in ids:
        if i not in AVAILABILITY_SLOTS:
            unknown.append(str(i))
        elif i not in out:
            out.append(i)
    if unknown:
        raise ValueError(f"Unknown availability slot(s): {', '.join(sorted(set(unknown)))}")
    return out


def tags_by_category() -> dict[str, list[Tag]]:
    return {c: [t for t in _ALL if t.category == c] for c in CATEGORIES}
