"""The fixed shapes of the clinical record: intake questions, note formats, risk levels.

Defined in code, not in the database: a change here is a reviewed change, and
stored answers keep their keys.
"""

from __future__ import annotations

from django.db import models

# (key, question). Answers are stored under the key; questions can be reworded.
INTAKE_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("reason", "What brings you to therapy now?"),
    ("goals", "What would you like to be different when therapy has helped?"),
    ("history", "Have you had therapy or mental health care before? What helped?"),
    ("medication", "Are you taking any medication? Please list it."),
    ("support", "Who supports you day to day?"),
    ("safety", "Have you had thoughts of harming yourself or ending your life recently?"),
)
INTAKE_KEYS = tuple(key for key, _ in INTAKE_QUESTIONS)


class NoteFormat(models.TextChoices):
    SOAP = "soap", "SOAP"
    DAP = "dap", "DAP"
    BIRP = "birp", "BIRP"


# Sections of each format, in order: (key, heading).
SECTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    NoteFormat.SOAP: (
        ("subjective", "Subjective"),
        ("objective", "Objective"),
        ("assessment", "Assessment"),
        ("plan", "Plan"),
    ),
    NoteFormat.DAP: (
        ("data", "Data"),
        ("assessment", "Assessment"),
        ("plan", "Plan"),
    ),
    NoteFormat.BIRP: (
        ("behavior", "Behaviour"),
        ("intervention", "Intervention"),
        ("response", "Response"),
        ("plan", "Plan"),
    ),
}


class RiskLevel(models.TextChoices):
    NONE = "none", "No current risk identified"
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"


# Levels at which the rationale must be written down.
RATIONALE_REQUIRED = (RiskLevel.LOW, RiskLevel.MODERATE, RiskLevel.HIGH)


def section_keys(fmt: str) -> tuple[str, ...]:
    return tuple(key for key, _ in SECTIONS[fmt])
