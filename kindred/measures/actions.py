"""Submitting questionnaires: score, store, audit, and raise a flag on a critical answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from kindred.audit.actions import record_event
from kindred.measures.availability import check_instrument_available
from kindred.measures.models import Response
from kindred.measures.scoring import Score, score
from kindred.safety.actions import do_raise_flag
from kindred.safety.models import Flag, FlagKind

FLAG_LEVEL = "high"
FLAG_SCOPE = "measures"


@dataclass(frozen=True)
class SubmitOutcome:
    response: Response
    score: Score
    flags: tuple[Flag, ...]
    # Show the member crisis resources and their safety plan, privately, now.
    show_crisis_resources: bool


def do_submit_response(
    member: Any,
    instrument_id: str,
    answers: Mapping[str, int | None],
    *,
    assigned_by: Any = None,
) -> SubmitOutcome:
    """Score and store ``member``'s answers.

    Raises :class:`~kindred.measures.availability.InstrumentUnavailable` for an unknown
    or unlicensed instrument and :class:`~kindred.measures.scoring.ScoringError` for
    answers that cannot be scored; nothing is stored then. The audit row carries the
    instrument and total only — never the answers. Each triggered critical item raises
    one high-level ``CRITICAL_ANSWER`` flag in the same transaction.
    """
    definition = check_instrument_available(instrument_id)
    result = score(definition, answers)
    stored = {key: value for key, value in answers.items() if value is not None}
    with transaction.atomic():
        response = Response(
            member=member,
            instrument_id=definition.id,
            instrument_version=definition.version,
            total=result.total,
            band=result.band.key,
            prorated=result.prorated,
            assigned_by=assigned_by,
        )
        response.answers = stored  # assigned apart: the stubs type the field as text
        response.save()
        record_event(
            actor=member,
            event="measures.response_submitted",
            target=response,
            changes={
                "instrument": definition.id,
                "version": definition.version,
                "total": result.total,
            },
        )
        flags = tuple(
            do_raise_flag(
                kind=FlagKind.CRITICAL_ANSWER,
                subject=member,
                text=f"{definition.name} item {hit.number} answered “{hit.label}”",
                level=FLAG_LEVEL,
                source_type="measures.response",
                source_id=str(response.pk),
                context=f"Questionnaire: {definition.name}",
                scope=FLAG_SCOPE,
            )
            for hit in result.critical_items_triggered
        )
    return SubmitOutcome(
        response=response,
        score=result,
        flags=flags,
        show_crisis_resources=bool(result.critical_items_triggered),
    )
