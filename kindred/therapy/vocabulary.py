"""The fixed vocabulary of the therapist directory.

Profiles store codes from these lists (never free text) so that the directory can
filter on them exactly and the labels can change without a data migration. Adding a
code is a code change; removing one needs a migration of the rows that use it.
"""

from __future__ import annotations

from typing import Final

Choices = tuple[tuple[str, str], ...]

LICENCE_TYPES: Final[Choices] = (
    ("psychologist", "Clinical or counselling psychologist"),
    ("psychiatrist", "Psychiatrist"),
    ("psychotherapist", "Psychotherapist"),
    ("counsellor", "Counsellor"),
    ("lcsw", "Licensed clinical social worker"),
    ("lpc", "Licensed professional counselor"),
    ("lmft", "Licensed marriage and family therapist"),
    ("art_therapist", "Arts therapist"),
)

MODALITIES: Final[Choices] = (
    ("cbt", "CBT"),
    ("dbt", "DBT"),
    ("act", "ACT"),
    ("emdr", "EMDR"),
    ("ipt", "IPT"),
    ("psychodynamic", "Psychodynamic therapy"),
    ("humanistic", "Humanistic / person-centred therapy"),
    ("family_couples", "Family and couples therapy"),
    ("cft", "Compassion-focused therapy"),
    ("schema", "Schema therapy"),
    ("mbct", "Mindfulness-based cognitive therapy"),
    ("solution_focused", "Solution-focused therapy"),
)

SPECIALTIES: Final[Choices] = (
    ("anxiety", "Anxiety"),
    ("depression", "Depression"),
    ("trauma", "Trauma and PTSD"),
    ("grief", "Grief and loss"),
    ("ocd", "OCD"),
    ("eating", "Eating disorders"),
    ("addiction", "Addiction"),
    ("relationships", "Relationships"),
    ("bipolar", "Bipolar disorder"),
    ("psychosis", "Psychosis"),
    ("self_harm", "Self-harm"),
    ("perinatal", "Perinatal mental health"),
    ("adhd", "ADHD"),
    ("autism", "Autism"),
    ("stress", "Stress and burnout"),
)

POPULATIONS: Final[Choices] = (
    ("adults", "Adults"),
    ("teens", "Teenagers (13 to 17)"),
    ("older_adults", "Older adults"),
    ("couples", "Couples"),
    ("families", "Families"),
    ("lgbtq", "LGBTQ+ people"),
    ("veterans", "Veterans"),
    ("bame", "Black and minority ethnic people"),
    ("neurodivergent", "Neurodivergent people"),
)

LANGUAGES: Final[Choices] = (
    ("en", "English"),
    ("es", "Spanish"),
    ("fr", "French"),
    ("de", "German"),
    ("it", "Italian"),
    ("pt", "Portuguese"),
    ("pl", "Polish"),
    ("ar", "Arabic"),
    ("ur", "Urdu"),
    ("hi", "Hindi"),
    ("bn", "Bengali"),
    ("zh", "Chinese"),
    ("ru", "Russian"),
    ("tr", "Turkish"),
    ("bsl", "British Sign Language"),
    ("asl", "American Sign Language"),
)

FORMATS: Final[Choices] = (
    ("video", "Video sessions"),
    ("phone", "Phone sessions"),
    ("in_person", "In-person sessions"),
)
IN_PERSON: Final = "in_person"

CURRENCIES: Final[Choices] = (
    ("GBP", "£ (GBP)"),
    ("USD", "$ (USD)"),
    ("EUR", "€ (EUR)"),
    ("CAD", "CA$ (CAD)"),
    ("AUD", "A$ (AUD)"),
    ("NZD", "NZ$ (NZD)"),
)
CURRENCY_SYMBOLS: Final[dict[str, str]] = {
    "GBP": "£",
    "USD": "$",
    "EUR": "€",
    "CAD": "CA$",
    "AUD": "A$",
    "NZD": "NZ$",
}

# The multi-valued facets of a profile: kind -> vocabulary.
FACETS: Final[dict[str, Choices]] = {
    "modality": MODALITIES,
    "specialty": SPECIALTIES,
    "population": POPULATIONS,
    "language": LANGUAGES,
    "format": FORMATS,
}


def label(choices: Choices, code: str) -> str:
    return dict(choices).get(code, code)


def is_valid(kind: str, code: str) -> bool:
    return code in dict(FACETS[kind])


def money(amount: object, currency: str) -> str:
    """``£80`` / ``$80.50``: whole amounts without the pennies."""
    text = f"{amount:.2f}" if amount is not None else ""
    if text.endswith(".00"):
        text = text[:-3]
    return f"{CURRENCY_SYMBOLS.get(currency, currency + ' ')}{text}"
