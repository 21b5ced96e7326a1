"""A small bundled ICD-10 list (chapter F) for working diagnoses.

Deliberately short: the codes a talking-therapy practice records most. A code not
here is refused rather than stored, so every stored code has a description.
"""

from __future__ import annotations

CODES: dict[str, str] = {
    "F10.1": "Alcohol use disorder, harmful use",
    "F10.2": "Alcohol dependence syndrome",
    "F32.0": "Mild depressive episode",
    "F32.1": "Moderate depressive episode",
    "F32.2": "Severe depressive episode without psychotic symptoms",
    "F32.9": "Depressive episode, unspecified",
    "F33.0": "Recurrent depressive disorder, current episode mild",
    "F33.1": "Recurrent depressive disorder, current episode moderate",
    "F33.2": "Recurrent depressive disorder, current episode severe",
    "F34.1": "Dysthymia",
    "F40.1": "Social phobias",
    "F41.0": "Panic disorder",
    "F41.1": "Generalized anxiety disorder",
    "F41.2": "Mixed anxiety and depressive disorder",
    "F42.2": "Obsessive-compulsive disorder, mixed obsessional thoughts and acts",
    "F43.1": "Post-traumatic stress disorder",
    "F43.2": "Adjustment disorders",
    "F50.2": "Bulimia nervosa",
    "F60.3": "Emotionally unstable personality disorder",
    "F90.0": "Disturbance of activity and attention (ADHD)",
    "F90.9": "Hyperkinetic disorder, unspecified",
}

CHOICES: list[tuple[str, str]] = [(code, f"{code} {label}") for code, label in CODES.items()]


def is_valid(code: str) -> bool:
    return code in CODES


def describe(code: str) -> str:
    return CODES.get(code, "")
