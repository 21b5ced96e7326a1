"""The fixed shapes of the clinical record: intake questions, note formats, risk levels.

Defined in code, not in the database: a change here is a reviewed change, and
stored answers keep their keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# (key, question). Answers are stored under the key; questions can be reworded.
INTAKE_QUESTIONS: tuple[tuple[str, StrOrPromise], ...] = (
    ("reason", _("What brings you to therapy now?")),
    ("goals", _("What would you like to be different when therapy has helped?")),
    ("history", _("Have you had therapy or mental health care before? What helped?")),
    ("medication", _("Are you taking any medication? Please list it.")),
    ("support", _("Who supports you day to day?")),
    ("safety", _("Have you had thoughts of harming yourself or ending your life recently?")),
)
INTAKE_KEYS = tuple(key for key, _question in INTAKE_QUESTIONS)


class NoteFormat(models.TextChoices):
    SOAP = "soap", _("SOAP")
    DAP = "dap", _("DAP")
    BIRP = "birp", _("BIRP")


# Sections of each format, in order: (key, heading).
SECTIONS: dict[str, tuple[tuple[str, StrOrPromise], ...]] = {
    NoteFormat.SOAP: (
        ("subjective", _("Subjective")),
        ("objective", _("Objective")),
        ("assessment", _("Assessment")),
        ("plan", _("Plan")),
    ),
    NoteFormat.DAP: (
        ("data", _("Data")),
        ("assessment", _("Assessment")),
        ("plan", _("Plan")),
    ),
    NoteFormat.BIRP: (
        ("behavior", _("Behaviour")),
        ("intervention", _("Intervention")),
        ("response", _("Response")),
        ("plan", _("Plan")),
    ),
}


class RiskLevel(models.TextChoices):
    NONE = "none", _("No current risk identified")
    LOW = "low", _("Low")
    MODERATE = "moderate", _("Moderate")
    HIGH = "high", _("High")


# Levels at which the rationale must be written down.
RATIONALE_REQUIRED = (RiskLevel.LOW, RiskLevel.MODERATE, RiskLevel.HIGH)


def section_keys(fmt: str) -> tuple[str, ...]:
    return tuple(key for key, _heading in SECTIONS[fmt])
