"""Therapist profiles, their facets, and the licence checks that list them.

Multi-valued fields (modalities, specialties, populations, languages, session
formats) live in one narrow table, :class:`ProfileFacet`, one row per (profile,
kind, code), with codes from :mod:`kindred.therapy.vocabulary`. Filtering is then
``id IN (SELECT profile_id FROM facet WHERE kind=… AND code=…)``, an index range
scan on both PostgreSQL and SQLite. JSON lists would need ``@>`` and a GIN index
on PostgreSQL and have no index at all on SQLite, so they were not used.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kindred.therapy import vocabulary

# The profile fields a therapist edits: changing a licence field needs a new check.
LICENCE_FIELDS = ("licence_type", "licence_number", "jurisdiction", "licence_expires_on")
PLAIN_FIELDS = (
    "in_person_location",
    "fee",
    "currency",
    "sliding_scale_min",
    "sliding_scale_max",
    "accepts_insurance",
    "insurance_notes",
    "accepting_new_clients",
    "introduction",
)


class ProfileStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Waiting for licence check")
    VERIFIED = "verified", _("Verified and listed")
    REJECTED = "rejected", _("Not verified")
    EXPIRED = "expired", _("Licence expired")


class TherapistProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="therapist_profile"
    )
    status = models.CharField(
        max_length=10, choices=ProfileStatus.choices, default=ProfileStatus.DRAFT
    )

    licence_type = models.CharField(max_length=20, choices=vocabulary.LICENCE_TYPES, blank=True)
    licence_number = models.CharField(max_length=60, blank=True)
    jurisdiction = models.CharField(
        max_length=80,
        blank=True,
        help_text=_("Where the licence is valid, e.g. 'England' or 'US-CA'."),
    )
    licence_expires_on = models.DateField(null=True, blank=True)

    in_person_location = models.CharField(max_length=200, blank=True)
    fee = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, choices=vocabulary.CURRENCIES, default="GBP")
    sliding_scale_min = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    sliding_scale_max = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    # The lowest fee this therapist may charge (sliding-scale minimum or fee), kept by
    # do_save_profile so the "fee up to" filter is one indexed comparison.
    lowest_fee = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    accepts_insurance = models.BooleanField(default=False)
    insurance_notes = models.CharField(
        max_length=300, blank=True, help_text=_("Which insurers or plans.")
    )
    accepting_new_clients = models.BooleanField(default=True)
    introduction = models.TextField(blank=True)

    rejection_reason = models.CharField(max_length=500, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    # Each expiry warning goes out once per licence expiry date; both reset when it changes.
    warned_30d_at = models.DateTimeField(null=True, blank=True)
    warned_7d_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes: ClassVar = [
            # The directory list: listed profiles in id order (keyset pagination).
            models.Index(fields=["status", "id"], name="therapy_profile_listing"),
            models.Index(fields=["status", "lowest_fee"], name="therapy_profile_fee"),
            models.Index(fields=["status", "licence_expires_on"], name="therapy_profile_expiry"),
        ]

    def __str__(self) -> str:
        return f"Therapist profile {self.pk} ({self.status})"

    @property
    def is_listed(self) -> bool:
        return self.status == ProfileStatus.VERIFIED

    def facet_codes(self) -> dict[str, list[str]]:
        """Codes by kind, in vocabulary order. Uses prefetched ``facets`` when present."""
        held: dict[str, set[str]] = {kind: set() for kind in vocabulary.FACETS}
        for facet in self.facets.all():
            held.setdefault(facet.kind, set()).add(facet.code)
        return {
            kind: [code for code, _ in choices if code in held[kind]]
            for kind, choices in vocabulary.FACETS.items()
        }

    def facet_labels(self) -> dict[str, list[str]]:
        return {
            kind: [vocabulary.label(vocabulary.FACETS[kind], c) for c in codes]
            for kind, codes in self.facet_codes().items()
        }


class FacetKind(models.TextChoices):
    MODALITY = "modality", _("Modality")
    SPECIALTY = "specialty", _("Specialty")
    POPULATION = "population", _("Population")
    LANGUAGE = "language", _("Language")
    FORMAT = "format", _("Session format")


class ProfileFacet(models.Model):
    profile = models.ForeignKey(TherapistProfile, on_delete=models.CASCADE, related_name="facets")
    kind = models.CharField(max_length=12, choices=FacetKind.choices)
    code = models.CharField(max_length=20)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["kind", "code", "profile"], name="therapy_facet_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"


class Decision(models.TextChoices):
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class LicenceVerification(models.Model):
    """One staff check of a licence against the register. Never edited or deleted."""

    profile = models.ForeignKey(
        TherapistProfile, on_delete=models.CASCADE, related_name="verifications"
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=Decision.choices)
    evidence_notes = models.TextField(help_text=_("What was checked, where (register, URL, date)."))
    reason = models.CharField(
        max_length=500, blank=True, help_text=_("Shown to the therapist when rejected.")
    )
    # The licence as it was checked, so a later edit can't rewrite what was verified.
    licence_snapshot = models.JSONField(default=dict)
    checked_at = models.DateTimeField()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["profile", "-checked_at"])]

    def __str__(self) -> str:
        return f"{self.decision} for profile {self.profile_id}"
