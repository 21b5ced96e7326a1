"""Exact scoring of one completed questionnaire against its definition.

Answers are the *scored values* of the chosen options (PHQ-9: 0–3 per item), keyed by
item id. Nothing here touches the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from kindred.measures.definitions import Band, InstrumentDefinition


class ScoringError(ValueError):
    """The answers cannot be scored; the message says why, in words a clinician can act on."""


class IncompleteResponse(ScoringError):
    """Too many unanswered items for the instrument's missing-item rule."""


@dataclass(frozen=True)
class CriticalHit:
    item_id: str
    number: int
    value: int
    label: str
    reason: str


@dataclass(frozen=True)
class Score:
    instrument_id: str
    version: str
    total: int
    band: Band
    critical_items_triggered: tuple[CriticalHit, ...]
    prorated: bool
    # Unanswered item ids, in item order (skipped-by-rule items are not missing).
    missing: tuple[str, ...]
    # Keys of the published cut-points the total meets.
    thresholds_met: tuple[str, ...]
    # Critical items left unanswered (e.g. PHQ-9 item 9 on a prorated form): the
    # score cannot say whether they would have triggered, so a clinician should ask.
    critical_items_unanswered: tuple[str, ...] = ()


def validate_answers(
    definition: InstrumentDefinition, answers: Mapping[str, int | None]
) -> dict[str, int]:
    """Return the answered items; raise :class:`ScoringError` on unknown items or values.

    ``None`` means "left blank" and is dropped.
    """
    known = set(definition.item_ids)
    unknown = sorted(str(key) for key in answers if key not in known)
    if unknown:
        raise ScoringError(
            f"{definition.name} has no item(s) {', '.join(unknown)}; "
            f"its items are {', '.join(definition.item_ids)}."
        )
    given: dict[str, int] = {}
    for item in definition.items:
        value = answers.get(item.id)
        if value is None:
            continue
        allowed = [option.value for option in definition.options_for(item)]
        # bool is an int in Python; True is not an answer.
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            raise ScoringError(
                f"{definition.name} item {item.number}: {value!r} is not a valid answer; "
                f"allowed values are {', '.join(map(str, allowed))}."
            )
        given[item.id] = value
    return given


def _apply_skip_rules(definition: InstrumentDefinition, given: dict[str, int]) -> dict[str, int]:
    effective = dict(given)
    for rule in definition.skip_rules:
        if not all(item_id in effective for item_id in rule.when_items):
            continue
        if rule.op.holds(sum(effective[i] for i in rule.when_items), rule.value):
            for item_id in rule.score_as_zero:
                effective.setdefault(item_id, 0)
    return effective


def _round_half_up(value: Fraction) -> int:
    return int(value + Fraction(1, 2)) if value >= 0 else -_round_half_up(-value)


def score(definition: InstrumentDefinition, answers: Mapping[str, int | None]) -> Score:
    """Score ``answers``; raise :class:`ScoringError` (or :class:`IncompleteResponse`)."""
    given = validate_answers(definition, answers)
    effective = _apply_skip_rules(definition, given)
    missing = tuple(item_id for item_id in definition.item_ids if item_id not in effective)
    raw: int
    prorated = False
    if not missing:
        raw = sum(effective.values())
    else:
        rule = definition.missing
        numbers = ", ".join(str(definition.item(i).number) for i in missing)
        if rule.rule == "refuse":
            raise IncompleteResponse(
                f"{definition.name} cannot be scored: item(s) {numbers} unanswered, and its "
                f"manual gives no rule for estimating a score from an incomplete form."
            )
        if len(missing) > rule.max_missing:
            raise IncompleteResponse(
                f"{definition.name} cannot be scored: {len(missing)} items unanswered "
                f"({numbers}); its manual allows a prorated score with at most "
                f"{rule.max_missing}."
            )
        answered = len(definition.items) - len(missing)
        raw = _round_half_up(Fraction(sum(effective.values()) * len(definition.items), answered))
        prorated = True
    total = raw * definition.scoring.multiplier
    hits = []
    for critical in definition.critical_items:
        value = given.get(critical.item)
        if value is not None and critical.op.holds(value, critical.value):
            item = definition.item(critical.item)
            label = next(o.label for o in definition.options_for(item) if o.value == value)
            hits.append(CriticalHit(item.id, item.number, value, label, critical.reason))
    return Score(
        instrument_id=definition.id,
        version=definition.version,
        total=total,
        band=definition.band_for(total),
        critical_items_triggered=tuple(hits),
        prorated=prorated,
        missing=missing,
        thresholds_met=tuple(t.key for t in definition.thresholds if t.met(total)),
        critical_items_unanswered=tuple(
            c.item for c in definition.critical_items if c.item not in given
        ),
    )
