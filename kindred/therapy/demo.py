"""Demo therapists: six verified, listed profiles that differ on every filter.

The two therapist personas get profiles, and four more therapists are made here, so a
fresh demo's directory is worth filtering. Everything goes through the real actions
(save, submit, staff verification), so the audit trail looks like real use. Licence
dates are relative to the day the demo runs, so the profiles never expire in a demo.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kindred.accounts.demo import DemoContext, Persona, create_persona
from kindred.core.roles import Role
from kindred.therapy.actions import do_save_profile, do_submit_for_verification, do_verify
from kindred.therapy.models import TherapistProfile

EVIDENCE = "Demo data: no register was checked."


@dataclass(frozen=True)
class DemoTherapist:
    key: str
    licence_type: str
    jurisdiction: str
    currency: str
    fee: int
    introduction: str
    modality: list[str]
    specialty: list[str]
    population: list[str]
    language: list[str]
    format: list[str]
    in_person_location: str = ""
    sliding_scale: tuple[int, int] | None = None
    accepts_insurance: bool = False
    insurance_notes: str = ""
    # Only for therapists this module makes (the two personas exist already).
    persona: Persona | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _persona(key: str, email: str, handle: str, name: str, country: str, tz: str) -> Persona:
    # The therapist role needs a second factor: a fixed, public TOTP secret per persona.
    secret = f"THERAPIST{key.removeprefix('therapist_').upper()}".ljust(16, "A")[:16]
    return Persona(
        key,
        email,
        handle,
        name,
        (Role.THERAPIST,),
        country=country,
        timezone=tz,
        totp_secret=secret,
    )


THERAPISTS: tuple[DemoTherapist, ...] = (
    DemoTherapist(
        "therapist",
        "psychologist",
        "England",
        "GBP",
        80,
        "I help adults make sense of low mood, worry and the habits that keep them stuck. "
        "Sessions are practical: we agree small steps and look at what changed.",
        modality=["cbt", "act"],
        specialty=["anxiety", "depression", "stress"],
        population=["adults"],
        language=["en"],
        format=["video", "phone"],
        sliding_scale=(40, 80),
    ),
    DemoTherapist(
        "therapist2",
        "psychotherapist",
        "AU-NSW",
        "AUD",
        160,
        "Longer-term work on relationships and the patterns we carry from family life, in "
        "English or Mandarin.",
        modality=["psychodynamic", "family_couples"],
        specialty=["relationships", "grief"],
        population=["adults", "couples"],
        language=["en", "zh"],
        format=["video", "in_person"],
        in_person_location="Sydney CBD",
        accepts_insurance=True,
        insurance_notes="Medicare rebates with a mental health care plan.",
    ),
    DemoTherapist(
        "therapist_amara",
        "counsellor",
        "England",
        "GBP",
        55,
        "A warm, unhurried space to talk through grief, loss and big changes. I work "
        "face to face in Manchester or on video.",
        modality=["humanistic", "cft"],
        specialty=["grief", "depression", "self_harm"],
        population=["adults", "bame", "lgbtq"],
        language=["en", "fr"],
        format=["video", "in_person"],
        in_person_location="Manchester",
        sliding_scale=(25, 55),
        persona=_persona(
            "therapist_amara",
            "amara@demo.kindred.test",
            "amara_counselling",
            "Amara Nwosu",
            "GB",
            "Europe/London",
        ),
    ),
    DemoTherapist(
        "therapist_lucia",
        "lpc",
        "US-NY",
        "USD",
        120,
        "Bilingual counseling for anxiety, panic and trauma, with DBT skills for when "
        "emotions run high. Teens and adults.",
        modality=["dbt", "cbt", "emdr"],
        specialty=["trauma", "anxiety", "self_harm"],
        population=["teens", "adults"],
        language=["en", "es"],
        format=["video", "phone"],
        sliding_scale=(60, 120),
        accepts_insurance=True,
        insurance_notes="Aetna, Cigna.",
        persona=_persona(
            "therapist_lucia",
            "lucia@demo.kindred.test",
            "lucia_lpc",
            "Lucía Fernández",
            "US",
            "America/New_York",
        ),
    ),
    DemoTherapist(
        "therapist_tom",
        "art_therapist",
        "Scotland",
        "GBP",
        65,
        "Art therapy for people who find it hard to put things into words. No artistic "
        "skill needed; we use whatever materials feel right.",
        modality=["humanistic", "mbct"],
        specialty=["trauma", "autism", "adhd"],
        population=["neurodivergent", "teens", "adults"],
        language=["en", "bsl"],
        format=["in_person", "video"],
        in_person_location="Edinburgh",
        persona=_persona(
            "therapist_tom",
            "tom@demo.kindred.test",
            "tom_arts",
            "Tom Baird",
            "GB",
            "Europe/London",
        ),
    ),
    DemoTherapist(
        "therapist_katrin",
        "psychologist",
        "DE-BE",
        "EUR",
        95,
        "Schema therapy and CBT for long-standing patterns, OCD and eating difficulties, "
        "in German or English.",
        modality=["schema", "cbt"],
        specialty=["ocd", "eating", "anxiety"],
        population=["adults", "older_adults"],
        language=["de", "en"],
        format=["video", "phone", "in_person"],
        in_person_location="Berlin-Mitte",
        sliding_scale=(60, 95),
        persona=_persona(
            "therapist_katrin",
            "katrin@demo.kindred.test",
            "dr_katrin",
            "Dr Katrin Vogel",
            "DE",
            "Europe/Berlin",
        ),
    ),
)


def _data(t: DemoTherapist, today: date) -> dict[str, Any]:
    low, high = t.sliding_scale or (None, None)
    return {
        "licence_type": t.licence_type,
        "licence_number": f"DEMO-{t.key.upper()}",
        "jurisdiction": t.jurisdiction,
        "licence_expires_on": today + timedelta(days=730),
        "in_person_location": t.in_person_location,
        "fee": Decimal(t.fee),
        "currency": t.currency,
        "sliding_scale_min": Decimal(low) if low is not None else None,
        "sliding_scale_max": Decimal(high) if high is not None else None,
        "accepts_insurance": t.accepts_insurance,
        "insurance_notes": t.insurance_notes,
        "accepting_new_clients": True,
        "introduction": t.introduction,
        "modality": t.modality,
        "specialty": t.specialty,
        "population": t.population,
        "language": t.language,
        "format": t.format,
    }


def create_demo_therapists(ctx: DemoContext) -> int:
    """Listed profiles for every demo therapist; puts the new ones into ``ctx.users``.

    Idempotent: a therapist who already has a profile is left as it is.
    """
    staff = ctx.users["staff"]
    today = timezone.now().date()
    created = 0
    for t in THERAPISTS:
        if t.persona is not None:
            ctx.users[t.key], new = create_persona(t.persona)
            state = "created" if new else "exists"
            ctx.say(
                f"{state:7} {t.key:16} {t.persona.email:28}  TOTP secret {t.persona.totp_secret}"
            )
        user = ctx.users.get(t.key)
        if user is None or TherapistProfile.objects.filter(user=user).exists():
            continue
        profile = do_save_profile(user, _data(t, today)).profile
        do_submit_for_verification(user)
        do_verify(staff, profile, evidence_notes=EVIDENCE)
        created += 1
    return created


def load(ctx: DemoContext) -> None:
    ctx.say(f"Therapy: {create_demo_therapists(ctx)} demo therapist profile(s) listed.")
