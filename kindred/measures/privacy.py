"""Who will see a member's questionnaires, in the words the member pages show.

The sentences come from the declarations in :mod:`kindred.consent.visibility` (which the
access checks in :mod:`kindred.measures.access` read too); this module only gathers
the facts about one member they depend on.
"""

from __future__ import annotations

from kindred.accounts.models import User
from kindred.bookings.relationships import treating_therapists
from kindred.consent.visibility import measures_sentences, questionnaire_sentence, switched_off
from kindred.measures.actions import assigning_therapist


def index_sentences(member: User) -> list[str]:
    """For ``/measures/`` (two queries)."""
    return measures_sentences(treating_therapists(member).exists(), switched_off(member))


def questionnaire_notice(member: User, instrument_id: str) -> str:
    """For the page where the member answers ``instrument_id``."""
    return questionnaire_sentence(
        assigning_therapist(member, instrument_id),
        treating_therapists(member).exists(),
        switched_off(member),
    )
