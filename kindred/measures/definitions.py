"""The instrument library: one JSON file per questionnaire, validated when it is loaded.

Everything that decides a score lives in the file (items, response values, scoring rule,
bands, cut-points, critical items, missing-item rule, reliable-change parameters) and
every rule carries a ``source``. The models below refuse anything inconsistent — a band
that leaves a gap, a declared maximum the items cannot reach, an unknown key — so a bad
file stops the process with its name and the reason, rather than mis-scoring a person.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"

Source = Annotated[str, Field(min_length=8)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=40)]


class DefinitionError(Exception):
    """An instrument file is missing, malformed or internally inconsistent."""


class UnknownInstrument(LookupError):
    def __init__(self, instrument_id: str) -> None:
        super().__init__(f"No instrument called {instrument_id!r} in the library.")
        self.instrument_id = instrument_id


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Op(StrEnum):
    GT = "gt"
    GE = "ge"
    EQ = "eq"
    LE = "le"
    LT = "lt"

    def holds(self, left: int, right: int) -> bool:
        return {
            Op.GT: left > right,
            Op.GE: left >= right,
            Op.EQ: left == right,
            Op.LE: left <= right,
            Op.LT: left < right,
        }[self]

    @property
    def symbol(self) -> str:
        return {Op.GT: ">", Op.GE: "≥", Op.EQ: "=", Op.LE: "≤", Op.LT: "<"}[self]


class ResponseOption(_Strict):
    value: int
    label: Annotated[str, Field(min_length=1)]


class Item(_Strict):
    id: Slug
    number: Annotated[int, Field(ge=1)]
    text: Annotated[str, Field(min_length=1)]
    # Falls back to the instrument's ``response_options`` when absent.
    options: tuple[ResponseOption, ...] | None = None
    # The wording runs the other way ("Are you always able to stop…?"), so the option a
    # person would read as the "yes" end scores lowest. Values in the file are already
    # the scored values; this flag is documentation and a test hook.
    reverse_scored: bool = False


class Scoring(_Strict):
    method: Literal["sum"]
    # WHO-5: the raw 0–25 sum times 4 gives the 0–100 percentage score.
    multiplier: Annotated[int, Field(ge=1)] = 1
    min: int
    max: int
    source: Source


class Band(_Strict):
    key: Slug
    min: int
    max: int
    label: Annotated[str, Field(min_length=1)]

    def contains(self, total: int) -> bool:
        return self.min <= total <= self.max


class Bands(_Strict):
    ranges: tuple[Band, ...] = Field(min_length=1)
    source: Source


class Threshold(_Strict):
    """A published cut-point, e.g. PHQ-2 ≥ 3 or AUDIT-C ≥ 4 for men."""

    key: Slug
    op: Op
    value: int
    label: Annotated[str, Field(min_length=1)]
    population: str = ""
    source: Source

    def met(self, total: int) -> bool:
        return self.op.holds(total, self.value)


class CriticalItem(_Strict):
    item: Slug
    op: Op
    value: int
    reason: Annotated[str, Field(min_length=1)]
    source: Source


class SkipRule(_Strict):
    """Items the manual tells the respondent to skip, scored as 0 when left unanswered."""

    when_items: tuple[Slug, ...] = Field(min_length=1)
    op: Op
    value: int
    score_as_zero: tuple[Slug, ...] = Field(min_length=1)
    source: Source


class MissingRule(_Strict):
    rule: Literal["prorate", "refuse"]
    # How many unanswered items the manual still allows a prorated score for.
    max_missing: Annotated[int, Field(ge=0)] = 0
    source: Source

    @model_validator(mode="after")
    def _prorate_needs_a_limit(self) -> Self:
        if self.rule == "prorate" and self.max_missing < 1:
            raise ValueError("a 'prorate' rule needs max_missing ≥ 1")
        if self.rule == "refuse" and self.max_missing:
            raise ValueError("a 'refuse' rule cannot allow missing items")
        return self


class ReliableChange(_Strict):
    reliability: Annotated[float, Field(gt=0, lt=1)]
    reliability_type: Literal["test_retest", "internal_consistency"]
    reliability_source: Source
    sd: Annotated[float, Field(gt=0)]
    sd_source: Source
    population: Annotated[str, Field(min_length=1)]


class TalkingTherapies(_Strict):
    """NHS Talking Therapies thresholds for this measure (PHQ-9 and GAD-7 only)."""

    caseness: int
    reliable_change: Annotated[int, Field(ge=1)]
    source: Source


class Loinc(_Strict):
    panel: str | None = None
    total: str | None = None
    note: str = ""


class LicenceTerms(StrEnum):
    FREE = "free"
    NON_COMMERCIAL = "non_commercial"
    LICENCE_REQUIRED = "licence_required"


class Licence(_Strict):
    terms: LicenceTerms
    holder: Annotated[str, Field(min_length=1)]
    statement: Annotated[str, Field(min_length=1)]
    source: Source


class Direction(StrEnum):
    HIGHER_IS_WORSE = "higher_is_worse"
    HIGHER_IS_BETTER = "higher_is_better"


class InstrumentDefinition(_Strict):
    id: Slug
    name: Annotated[str, Field(min_length=1)]
    title: Annotated[str, Field(min_length=1)]
    version: Annotated[str, Field(min_length=1, max_length=20)]
    recall_period: Annotated[str, Field(min_length=1)]
    instructions: Annotated[str, Field(min_length=1)]
    direction: Direction
    response_options: tuple[ResponseOption, ...] | None = None
    items: tuple[Item, ...] = Field(min_length=1)
    scoring: Scoring
    bands: Bands
    thresholds: tuple[Threshold, ...] = ()
    critical_items: tuple[CriticalItem, ...] = ()
    skip_rules: tuple[SkipRule, ...] = ()
    missing: MissingRule
    reliable_change: ReliableChange | None = None
    talking_therapies: TalkingTherapies | None = None
    loinc: Loinc
    licence: Licence
    source: Source

    def options_for(self, item: Item) -> tuple[ResponseOption, ...]:
        options = item.options if item.options is not None else self.response_options
        assert options is not None  # guaranteed by the validator below
        return options

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    def band_for(self, total: int) -> Band:
        for band in self.bands.ranges:
            if band.contains(total):
                return band
        raise ValueError(f"{self.name}: no band holds {total}")  # ruled out at load

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        self._check_items()
        self._check_range()
        self._check_bands()
        ids = set(self.item_ids)
        for critical in self.critical_items:
            _known(critical.item, ids, "critical item")
        for rule in self.skip_rules:
            for item_id in (*rule.when_items, *rule.score_as_zero):
                _known(item_id, ids, "skip rule")
        if self.missing.max_missing >= len(self.items):
            raise ValueError("missing.max_missing must leave at least one answered item")
        return self

    def _check_items(self) -> None:
        ids = [item.id for item in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("item ids must be unique")
        numbers = [item.number for item in self.items]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError("items must be numbered 1, 2, 3… in order")
        for item in self.items:
            options = item.options if item.options is not None else self.response_options
            if not options:
                raise ValueError(f"item {item.id} has no response options")
            values = [option.value for option in options]
            if len(set(values)) != len(values):
                raise ValueError(f"item {item.id} repeats a response value")
            if min(values) < 0:
                raise ValueError(f"item {item.id} has a negative response value")

    def _check_range(self) -> None:
        multiplier = self.scoring.multiplier
        lowest = sum(min(o.value for o in self.options_for(i)) for i in self.items) * multiplier
        highest = sum(max(o.value for o in self.options_for(i)) for i in self.items) * multiplier
        if (self.scoring.min, self.scoring.max) != (lowest, highest):
            raise ValueError(
                f"scoring min/max {self.scoring.min}–{self.scoring.max} do not match "
                f"the items, which give {lowest}–{highest}"
            )

    def _check_bands(self) -> None:
        ranges = sorted(self.bands.ranges, key=lambda band: band.min)
        if len({band.key for band in ranges}) != len(ranges):
            raise ValueError("band keys must be unique")
        expected = self.scoring.min
        for band in ranges:
            if band.min > band.max:
                raise ValueError(f"band {band.key} runs backwards ({band.min}–{band.max})")
            if band.min != expected:
                raise ValueError(
                    f"bands must cover {self.scoring.min}–{self.scoring.max} with no gap or "
                    f"overlap; band {band.key} starts at {band.min}, expected {expected}"
                )
            expected = band.max + 1
        if expected - 1 != self.scoring.max:
            raise ValueError(
                f"bands end at {expected - 1}, but the scale goes up to {self.scoring.max}"
            )


def _known(item_id: str, ids: set[str], where: str) -> None:
    if item_id not in ids:
        raise ValueError(f"{where} names unknown item {item_id!r}")


def load_definition(path: Path) -> InstrumentDefinition:
    """Parse and validate one file; raise :class:`DefinitionError` naming it and the fault."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DefinitionError(f"Instrument file {path.name}: cannot read JSON: {exc}") from exc
    try:
        definition = InstrumentDefinition.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(file)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise DefinitionError(f"Instrument file {path.name} is invalid: {problems}") from exc
    if definition.id != path.stem:
        raise DefinitionError(
            f"Instrument file {path.name} declares id {definition.id!r}; "
            f"the file must be named {definition.id}.json"
        )
    return definition


def load_definitions(directory: Path) -> dict[str, InstrumentDefinition]:
    """Load every ``*.json`` in ``directory`` (not cached: use :func:`get_library`)."""
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise DefinitionError(f"No instrument files in {directory}")
    return {definition.id: definition for definition in map(load_definition, paths)}


@functools.cache
def get_library() -> dict[str, InstrumentDefinition]:
    """Every shipped instrument, by id — whether or not this organisation may use it."""
    return load_definitions(INSTRUMENTS_DIR)


def get_definition(instrument_id: str) -> InstrumentDefinition:
    try:
        return get_library()[instrument_id]
    except KeyError:
        raise UnknownInstrument(instrument_id) from None


def all_definitions() -> Iterable[InstrumentDefinition]:
    return get_library().values()
