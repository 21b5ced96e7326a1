"""Which instruments this organisation may offer.

Free instruments are available by default. Anything else (DAST-10: non-commercial use
only) stays unavailable until someone confirms, through :func:`do_confirm_licence`, that
the organisation's use meets the licence terms.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from kindred.accounts.models import User
from kindred.audit.actions import record_event
from kindred.measures import audit_names as measures_audit
from kindred.measures.definitions import (
    InstrumentDefinition,
    LicenceTerms,
    all_definitions,
    get_definition,
)
from kindred.measures.models import InstrumentLicence


class InstrumentUnavailable(LookupError):
    def __init__(self, instrument_id: str) -> None:
        super().__init__(f"The instrument {instrument_id!r} is not available here.")
        self.instrument_id = instrument_id


def needs_confirmation(definition: InstrumentDefinition) -> bool:
    return definition.licence.terms != LicenceTerms.FREE


def available_instruments() -> list[InstrumentDefinition]:
    """Instruments that may be offered now, in library order (one query)."""
    confirmed = set(InstrumentLicence.objects.values_list("instrument_id", flat=True))
    return [
        definition
        for definition in all_definitions()
        if not needs_confirmation(definition) or definition.id in confirmed
    ]


def check_instrument_available(instrument_id: str) -> InstrumentDefinition:
    """The definition, or :class:`InstrumentUnavailable` (unknown or unlicensed alike)."""
    for definition in available_instruments():
        if definition.id == instrument_id:
            return definition
    raise InstrumentUnavailable(instrument_id)


def do_confirm_licence(actor: User, instrument_id: str) -> InstrumentLicence:
    """Record that ``actor`` confirmed the organisation meets the instrument's licence."""
    definition = get_definition(instrument_id)
    with transaction.atomic():
        licence, _ = InstrumentLicence.objects.update_or_create(
            instrument_id=definition.id,
            defaults={"confirmed_by": actor, "confirmed_at": timezone.now()},
        )
        record_event(
            actor=actor,
            event=measures_audit.LICENCE_CONFIRMED,
            target=licence,
            changes={"instrument": definition.id, "terms": str(definition.licence.terms)},
        )
    return licence


def do_withdraw_licence(actor: User, instrument_id: str) -> None:
    definition = get_definition(instrument_id)
    with transaction.atomic():
        deleted, _ = InstrumentLicence.objects.filter(instrument_id=definition.id).delete()
        if deleted:
            record_event(
                actor=actor,
                event=measures_audit.LICENCE_WITHDRAWN,
                target_type="measures.instrumentlicence",
                target_id=definition.id,
                changes={"instrument": definition.id},
            )
