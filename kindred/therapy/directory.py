"""The public therapist directory: filters, the list query, and "why this matches".

Every filter is a plain GET parameter, so the page works without JavaScript and a
search can be bookmarked. Each facet filter is an indexed subquery on
``ProfileFacet`` (kind, code, profile); the list is ordered by id with keyset
pagination over the ``(status, id)`` index. Text search is a ``LIKE`` on the intro
and legal name: unindexed, but it only narrows an already-filtered list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.bookings.directory import BookingSummary
from kindred.bookings.slots import free_slots_for_many, therapists_with_free_slots
from kindred.therapy import vocabulary
from kindred.therapy.access import listed_profiles
from kindred.therapy.models import ProfileFacet, TherapistProfile

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from kindred.accounts.models import User

PER_PAGE = 20


# How far ahead a card's "next free time" looks: the booking page offers the same span.
NEXT_FREE_DAYS = 14


def available_within(therapist_ids: list[int], days: int) -> set[int]:
    """Which of these therapists (user ids) have a free session in the next ``days`` days."""
    now = timezone.now()
    return therapists_with_free_slots(therapist_ids, now, now + timedelta(days=days))


def next_free_times(
    therapist_ids: list[int], *, days: int = NEXT_FREE_DAYS, limit: int = 1
) -> dict[int, list[datetime]]:
    """The first ``limit`` free session starts of each therapist (user ids), in a bounded
    number of queries for the whole list; therapists with nothing free are left out."""
    now = timezone.now()
    found = free_slots_for_many(therapist_ids, now, now + timedelta(days=days), limit=limit)
    return {tid: [slot.starts_at for slot in slots] for tid, slots in found.items()}


AVAILABILITY_CHOICES = (
    ("", _("Any time")),
    ("7", _("7 days")),
    ("14", _("14 days")),
    ("28", _("28 days")),
)


def _checkboxes(label: StrOrPromise, choices: vocabulary.Choices) -> forms.MultipleChoiceField:
    # Checkbox groups, not multi-selects: a multi-select needs Ctrl-click and hides
    # what is chosen once it scrolls.
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class DirectoryForm(forms.Form):
    q = forms.CharField(
        label=_("Name or words in their introduction"), max_length=100, required=False
    )
    available_days = forms.TypedChoiceField(
        label=_("Has a free session within"),
        choices=AVAILABILITY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    format = _checkboxes(_("How sessions happen"), vocabulary.FORMATS)
    modality = _checkboxes(_("Approach"), vocabulary.MODALITIES)
    specialty = _checkboxes(_("Helps with"), vocabulary.SPECIALTIES)
    population = _checkboxes(_("Works with"), vocabulary.POPULATIONS)
    language = _checkboxes(_("Speaks"), vocabulary.LANGUAGES)
    licence_type = forms.ChoiceField(
        label=_("Profession"), choices=(("", _("Any")), *vocabulary.LICENCE_TYPES), required=False
    )
    jurisdiction = forms.CharField(label=_("Licensed in"), max_length=80, required=False)
    currency = forms.ChoiceField(
        label=_("Currency"), choices=(("", _("Any")), *vocabulary.CURRENCIES), required=False
    )
    fee_max = forms.DecimalField(
        label=_("Fee up to (per session)"),
        min_value=0,
        max_digits=8,
        decimal_places=2,
        required=False,
    )
    sliding_scale = forms.BooleanField(label=_("Offers a sliding scale"), required=False)
    insurance = forms.BooleanField(label=_("Accepts insurance"), required=False)
    accepting = forms.BooleanField(label=_("Accepting new clients"), required=False)

    def active_filters(self) -> dict[str, Any]:
        """The filters actually set: empty values dropped, so "no filter" is ``{}``."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", [], False)}


FACET_FILTERS = ("modality", "specialty", "population", "language", "format")
CHECKBOX_GROUPS = ("format", "modality", "specialty", "population", "language")


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
    # The first free session start in the next NEXT_FREE_DAYS days, if any.
    next_free: datetime | None = None

    @property
    def name(self) -> str:
        return therapist_name(self.profile)

    @property
    def initials(self) -> str:
        return initials(self.name)

    @property
    def title(self) -> str:
        return vocabulary.label(vocabulary.LICENCE_TYPES, self.profile.licence_type)

    @property
    def fee(self) -> str:
        return fee_detail(self.profile)


def page(filters: dict[str, Any], after: str | None) -> tuple[list[Result], str | None]:
    """One page of results after the profile id ``after``, and the next cursor.

    A fixed number of queries whatever the page holds: profiles with their users,
    their facets, and three for everyone's next free time.
    """
    profiles = (
        filtered_profiles(filters).select_related("user").prefetch_related("facets").order_by("id")
    )
    if after and after.isdigit():
        profiles = profiles.filter(id__gt=int(after))
    rows = list(profiles[: PER_PAGE + 1])
    more = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    free = next_free_times([p.user_id for p in rows]) if rows else {}
    results = [
        Result(
            profile=p,
            reasons=explain(p, filters),
            facets=p.facet_labels(),
            next_free=next(iter(free.get(p.user_id, [])), None),
        )
        for p in rows
    ]
    return results, str(rows[-1].pk) if more and rows else None


# Titles left out of initials: "Dr Jordan Ellis" is "JE", not "DJ".
HONORIFICS = frozenset({"dr", "prof", "mr", "mrs", "ms", "mx", "miss", "sir", "dame"})


def therapist_name(profile: TherapistProfile) -> str:
    """The name a therapist is listed under: their professional (legal) name, else handle."""
    return profile.user.legal_name or profile.user.handle


def initials(name: str) -> str:
    words = [w for w in name.replace(".", " ").split() if w.lower() not in HONORIFICS]
    letters = [w[0] for w in words if w[0].isalpha()]
    if not letters:
        return (name[:1] or "?").upper()
    return (letters[0] + (letters[-1] if len(letters) > 1 else "")).upper()


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


def fee_detail(profile: TherapistProfile) -> str:
    """ "£80 a session; sliding scale £40 to £80": what a card and a profile show."""
    if profile.fee is None:
        return ""
    text = _("%(fee)s a session") % {"fee": vocabulary.money(profile.fee, profile.currency)}
    low, high = profile.sliding_scale_min, profile.sliding_scale_max
    if low is not None:
        text += "; " + _("sliding scale %(low)s to %(high)s") % {
            "low": vocabulary.money(low, profile.currency),
            "high": vocabulary.money(high if high is not None else profile.fee, profile.currency),
        }
    return str(text)


def booking_summary(user: User) -> BookingSummary | None:
    """The listed profile of therapist ``user`` in a few words, or None if unlisted."""
    profile = (
        listed_profiles().filter(user_id=user.pk).select_related("user").prefetch_related("facets")
    ).first()
    if profile is None:
        return None
    codes = profile.facet_codes()["format"]
    return BookingSummary(
        name=therapist_name(profile),
        title=vocabulary.label(vocabulary.LICENCE_TYPES, profile.licence_type),
        fee=fee_detail(profile),
        formats=[vocabulary.label(vocabulary.FORMATS, c) for c in codes],
        in_person_location=profile.in_person_location if vocabulary.IN_PERSON in codes else "",
        video="video" in codes,
    )
