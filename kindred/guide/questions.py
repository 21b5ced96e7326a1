"""The guide's questions and the shape of a complete set of answers.

:class:`GuideAnswers` is the one definition of what a person can tell the guide. The
web pages carry the answers from step to step in the form itself (nothing is kept on
the server for a visitor who has not saved), the API takes the same model as JSON,
and a saved guide stores it encrypted. Screening answers are the scored values of the
measures library's instruments, keyed by instrument and item id.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Final, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kindred.core.inputs import RefusesUnstorableText
from kindred.guide.options import OPTIONS
from kindred.therapy import vocabulary

Choices = tuple[tuple[str, str], ...]

YES_NO: Final[Choices] = (("no", "No"), ("yes", "Yes"), ("rather_not_say", "I'd rather not say"))

# The safety check, asked before anything else. Any "yes" (or "rather not say") is a
# sign of possible immediate risk: crisis resources come first.
SAFETY_QUESTIONS: Final[tuple[tuple[str, str], ...]] = (
    (
        "safety_thoughts",
        "In the past few days, have you had thoughts of ending your life?",
    ),
    (
        "safety_intent",
        "Are you thinking about acting on thoughts of harming yourself, or have you made a plan?",
    ),
    (
        "safety_danger",
        "Are you in danger right now, from yourself or from someone else?",
    ),
)

AGE_GROUPS: Final[Choices] = (("adult", "18 or older"), ("teen", "13 to 17"))

TOPICS: Final[Choices] = (
    ("depression-anxiety", "Low mood, depression, worry or anxiety"),
    ("addiction-recovery", "Alcohol, drugs, gambling or another addiction"),
    ("chronic-illness-pain", "Living with a long-term illness or pain"),
    ("grief-loss", "Grief or loss"),
    ("caregivers", "Looking after someone else"),
)

IMPORTANCE: Final[Choices] = (
    ("not", "Not important"),
    ("somewhat", "Somewhat important"),
    ("very", "Very important"),
)

# What matters to the person: (field, question). Each is answered on IMPORTANCE.
MATTERS: Final[tuple[tuple[str, str], ...]] = (
    ("lived_experience", "Talking with someone who has been through something similar"),
    ("expertise", "Help from a trained, licensed professional"),
    ("privacy", "Keeping what I share private"),
)

STYLES: Final[Choices] = (
    ("structured", "Structure: a plan, goals and ways to see progress"),
    ("informal", "Informal sharing and listening, at my own pace"),
    ("either", "Either, or not sure"),
)

TIMES: Final[Choices] = (
    ("weekday_daytime", "Weekday daytimes"),
    ("weekday_evening", "Weekday evenings"),
    ("weekend", "Weekends"),
)

FORMATS: Final[Choices] = (
    ("one_to_one", "One-to-one"),
    ("group", "In a group"),
    ("text", "Writing (messages or posts)"),
    ("video", "Video calls"),
    ("in_person", "In person"),
)

IMPAIRMENT: Final[Choices] = (
    ("none", "Hardly at all"),
    ("some", "Somewhat"),
    ("marked", "A lot: it is hard to manage work, home or relationships"),
)

AUDITC_CUTOFFS: Final[Choices] = (
    ("women", "The cut-off for women (3 or more)"),
    ("men", "The cut-off for men (4 or more)"),
    ("unsure", "Not sure, or I'd rather not say (uses 3 or more)"),
)

CHOICES: Final[Choices] = (
    *((option.key, option.title) for option in OPTIONS),
    ("undecided", "I have not decided yet"),
)

# Screening instruments the guide may use, in the order it asks them. A follow-up is
# asked only when its short screen is positive (and the instrument is available here).
SHORT_SCREENS: Final = ("phq2", "gad2", "auditc")
FOLLOW_UPS: Final[dict[str, str]] = {"phq2": "phq9", "gad2": "gad7", "auditc": "audit"}
SCREENING_INSTRUMENTS: Final = ("phq2", "phq9", "gad2", "gad7", "auditc", "audit")


def _codes(choices: Choices) -> tuple[str, ...]:
    return tuple(code for code, _ in choices)


def label(choices: Choices, code: str) -> str:
    return dict(choices).get(code, code)


YesNo = Literal["no", "yes", "rather_not_say"]
Importance = Literal["not", "somewhat", "very"]
Topic = Literal[
    "depression-anxiety", "addiction-recovery", "chronic-illness-pain", "grief-loss", "caregivers"
]
Time = Literal["weekday_daytime", "weekday_evening", "weekend"]
Format = Literal["one_to_one", "group", "text", "video", "in_person"]
LANGUAGE_CODES: Final = _codes(vocabulary.LANGUAGES)
MODALITY_CODES: Final = _codes(vocabulary.MODALITIES)
CHOICE_CODES: Final = _codes(CHOICES)

Fee = Annotated[Decimal, Field(ge=0, le=10000, max_digits=8, decimal_places=2)]
ItemAnswers = dict[Annotated[str, Field(max_length=10)], Annotated[int, Field(ge=0, le=10)]]


class GuideAnswers(RefusesUnstorableText, BaseModel):
    """Everything a person told the guide. Only the safety check is required."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    safety_thoughts: YesNo = Field(description=SAFETY_QUESTIONS[0][1])
    safety_intent: YesNo = Field(description=SAFETY_QUESTIONS[1][1])
    safety_danger: YesNo = Field(description=SAFETY_QUESTIONS[2][1])
    age_group: Literal["adult", "teen", ""] = ""

    topics: list[Topic] = Field(default_factory=list, max_length=len(TOPICS))
    max_fee: Fee | None = Field(
        default=None, description="Most the person can pay per session; 0 = free only."
    )
    insurance: bool = Field(default=False, description="Would like to use health insurance.")
    lived_experience: Importance = "somewhat"
    expertise: Importance = "somewhat"
    privacy: Importance = "somewhat"
    style: Literal["structured", "informal", "either"] = "either"
    times: list[Time] = Field(default_factory=list, max_length=len(TIMES))
    formats: list[Format] = Field(default_factory=list, max_length=len(FORMATS))
    language: str = Field(default="en", pattern=r"^[a-z]{2,3}$")
    modalities: list[str] = Field(default_factory=list, max_length=len(MODALITY_CODES))
    impairment: Literal["none", "some", "marked", ""] = ""

    screening: dict[Literal["phq2", "phq9", "gad2", "gad7", "auditc", "audit"], ItemAnswers] = (
        Field(
            default_factory=dict,
            description="Instrument id → item id → the chosen option's scored value "
            "(as in /api/v1/instruments).",
        )
    )
    auditc_cutoff: Literal["women", "men", "unsure"] = "unsure"

    choice: str = Field(default="", description="The option the person leans towards.")

    @model_validator(mode="after")
    def _known_codes(self) -> Self:
        # Field-level Literal types would make the OpenAPI schema enormous for the
        # vocabularies; check them here with messages a person can act on.
        if self.language not in LANGUAGE_CODES:
            raise ValueError(f"language: {self.language!r} is not one of the languages offered")
        unknown = [code for code in self.modalities if code not in MODALITY_CODES]
        if unknown:
            raise ValueError(f"modalities: unknown approach(es) {', '.join(unknown)}")
        if self.choice and self.choice not in CHOICE_CODES:
            raise ValueError(f"choice: {self.choice!r} is not one of the options")
        return self


FIELD_QUESTIONS: Final[dict[str, tuple[str, Choices | None]]] = {
    **{name: (text, YES_NO) for name, text in SAFETY_QUESTIONS},
    "age_group": ("Your age", AGE_GROUPS),
    "topics": ("What you would like support with", TOPICS),
    "max_fee": ("Most you can pay per session", None),
    "insurance": ("Would like to use health insurance", None),
    **{name: (text, IMPORTANCE) for name, text in MATTERS},
    "style": ("What suits you better", STYLES),
    "times": ("When you are free", TIMES),
    "formats": ("How you would like to meet", FORMATS),
    "language": ("Language", vocabulary.LANGUAGES),
    "modalities": ("Therapy approaches you are interested in", vocabulary.MODALITIES),
    "impairment": ("How much this gets in the way of daily life", IMPAIRMENT),
    "auditc_cutoff": ("Drinking cut-off", AUDITC_CUTOFFS),
    "choice": ("Your choice", CHOICES),
}


def display_value(name: str, value: object) -> str:
    """An answer as the person would read it back."""
    _, choices = FIELD_QUESTIONS[name]
    if value in (None, "", []):
        return "Not answered"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(label(choices, str(v)) if choices else str(v) for v in value)
    if name == "max_fee":
        return "Free only" if Decimal(str(value)) == 0 else f"{Decimal(str(value)):.2f}"
    return label(choices, str(value)) if choices else str(value)


def answer_rows(answers: GuideAnswers) -> list[tuple[str, str, str]]:
    """(field, question, answer as read back) for every question but the screening."""
    data = answers.model_dump(mode="json")
    return [
        (name, question, display_value(name, data.get(name)))
        for name, (question, _) in FIELD_QUESTIONS.items()
    ]
