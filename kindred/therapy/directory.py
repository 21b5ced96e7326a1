"""The public therapist directory: filters, the list query, and "why this matches".

Every filter is a plain GET parameter, so the page works without JavaScript and a
search can be bookmarked. Each facet filter is an indexed subquery on
``ProfileFacet`` (kind, code, profile); the list is ordered by id with keyset
pagination over the ``(status, id)`` index. Text search is a ``LIKE`` on the intro
and legal name: unindexed, but it only narrows an already-filtered list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from kindred.therapy import vocabulary
from kindred.therapy.access import listed_profiles
from kindred.therapy.models import ProfileFacet, TherapistProfile

PER_PAGE = 20


def available_within(therapist_ids: list[int], days: int) -> set[int]:
    """Which of these therapists (user ids) have a free session in the next ``days`` days."""
    from kindred.bookings.slots import therapists_with_free_slots

    now = timezone.now()
    return therapists_with_free_slots(therapist_ids, now, now + timedelta(days=days))


AVAILABILITY_CHOICES = (("", "Any time"), ("7", "7 days"), ("14", "14 days"), ("28", "28 days"))


class DirectoryForm(forms.Form):
    q = forms.CharField(label="Name or words in their introduction", max_length=100, required=False)
    available_days = forms.TypedChoiceField(
        label="Has a free session within",
        choices=AVAILABILITY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    modality = forms.MultipleChoiceField(
        label="Approach", choices=vocabulary.MODALITIES, required=False
    )
    specialty = forms.MultipleChoiceField(
        label="Helps with", choices=vocabulary.SPECIALTIES, required=False
    )
    population = forms.MultipleChoiceField(
        label="Works with", choices=vocabulary.POPULATIONS, required=False
    )
    language = forms.MultipleChoiceField(
        label="Speaks", choices=vocabulary.LANGUAGES, required=False
    )
    format = forms.MultipleChoiceField(
        label="Session format",
        choices=vocabulary.FORMATS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    licence_type = forms.ChoiceField(
        label="Profession", choices=(("", "Any"), *vocabulary.LICENCE_TYPES), required=False
    )
    jurisdiction = forms.CharField(label="Licensed in", max_length=80, required=False)
    currency = forms.ChoiceField(
        label="Currency", choices=(("", "Any"), *vocabulary.CURRENCIES), required=False
    )
    fee_max = forms.DecimalField(
        label="Fee up to (per session)", min_value=0, max_digits=8, decimal_places=2, required=False
    )
    sliding_scale = forms.BooleanField(label="Offers a sliding scale", required=False)
    insurance = forms.BooleanField(label="Accepts insurance", required=False)
    accepting = forms.BooleanField(label="Accepting new clients", required=False)


FACET_FILTERS = ("modality", "specialty", "population", "language", "format")


def filtered_profiles(filters: dict[str, Any]) -> QuerySet[TherapistProfile]:
    """Listed profiles matching every filter; within one facet, any chosen code matches."""
    profiles = listed_profiles()
    for kind in FACET_FILTERS:
        codes = filters.get(kind) or []
        if codes:
            profiles = profiles.filter(
                pk__in=ProfileFacet.objects.filter(kind=kind, code__in=codes).values("profile_id")
            )
    if filters.get("licence_type"):
        profiles = profiles.filter(licence_type=filters["licence_type"])
    if filters.get("jurisdiction"):
        profiles = profiles.filter(jurisdiction__iexact=filters["jurisdiction"].strip())
    if filters.get("currency"):
        profiles = profiles.filter(currency=filters["currency"])
    if filters.get("fee_max") is not None:
        profiles = profiles.filter(lowest_fee__lte=filters["fee_max"])
    if filters.get("sliding_scale"):
        profiles = profiles.filter(sliding_scale_min__isnull=False)
    if filters.get("insurance"):
        profiles = profiles.filter(accepts_insurance=True)
    if filters.get("accepting"):
        profiles = profiles.filter(accepting_new_clients=True)
    q = (filters.get("q") or "").strip()
    if q:
        profiles = profiles.filter(Q(user__legal_name__icontains=q) | Q(introduction__icontains=q))
    days = filters.get("available_days")
    if days:
        free = available_within(list(profiles.values_list("user_id", flat=True)), days)
        profiles = profiles.filter(user_id__in=free)
    return profiles


@dataclass(frozen=True)
class Result:
    profile: TherapistProfile
    reasons: list[str]
    facets: dict[str, list[str]]


def page(filters: dict[str, Any], after: str | None) -> tuple[list[Result], str | None]:
    """One page of results after the profile id ``after``, and the next cursor."""
    profiles = (
        filtered_profiles(filters).select_related("user").prefetch_related("facets").order_by("id")
    )
    if after and after.isdigit():
        profiles = profiles.filter(id__gt=int(after))
    rows = list(profiles[: PER_PAGE + 1])
    more = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    results = [
        Result(profile=p, reasons=explain(p, filters), facets=p.facet_labels()) for p in rows
    ]
    return results, str(rows[-1].pk) if more and rows else None


FACET_PHRASES = {
    "modality": "Offers {}",
    "specialty": "Helps with {}",
    "population": "Works with {}",
    "language": "Speaks {}",
    "format": "{}",
}


def explain(profile: TherapistProfile, filters: dict[str, Any]) -> list[str]:
    """Why ``profile`` matches: one phrase per filter that was set, nothing for the rest."""
    reasons: list[str] = []
    codes = profile.facet_codes()
    for kind in FACET_FILTERS:
        wanted = filters.get(kind) or []
        matched = [c for c in codes[kind] if c in wanted]
        if matched:
            labels = [vocabulary.label(vocabulary.FACETS[kind], c) for c in matched]
            if kind == "format" and vocabulary.IN_PERSON in matched and profile.in_person_location:
                labels = [
                    f"{lbl} in {profile.in_person_location}" if c == vocabulary.IN_PERSON else lbl
                    for c, lbl in zip(matched, labels, strict=True)
                ]
            reasons.append(FACET_PHRASES[kind].format(", ".join(labels)))
    if filters.get("licence_type"):
        reasons.append(vocabulary.label(vocabulary.LICENCE_TYPES, profile.licence_type))
    if filters.get("jurisdiction"):
        reasons.append(f"Licensed in {profile.jurisdiction}")
    if filters.get("fee_max") is not None or filters.get("sliding_scale"):
        reasons.append(fee_phrase(profile))
    if filters.get("insurance"):
        reasons.append("Accepts insurance")
    if filters.get("accepting"):
        reasons.append("Accepting new clients")
    q = (filters.get("q") or "").strip().lower()
    if q:
        where = "name" if q in profile.user.legal_name.lower() else "introduction"
        reasons.append(f"“{filters['q'].strip()}” in their {where}")
    if filters.get("available_days"):
        reasons.append(f"Has a free session within {filters['available_days']} days")
    return reasons


def fee_phrase(profile: TherapistProfile) -> str:
    if profile.fee is None:
        return ""
    text = f"Fee {vocabulary.money(profile.fee, profile.currency)}"
    if profile.sliding_scale_min is not None:
        text += (
            f", sliding scale from {vocabulary.money(profile.sliding_scale_min, profile.currency)}"
        )
    return text
