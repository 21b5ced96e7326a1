"""What a plan says: problems → goals → objectives → interventions, and its text form.

The therapist edits a plan as lines of text, one element per line, so the form works
without JavaScript and can be re-shown exactly as typed when something is wrong::

    Problem: Low mood most days since losing my job
    Goal: Enjoy everyday things again
    Objective: Depression score in the mild range | measure phq9 < 10 | by 2025-09-01
    Intervention: Behavioural activation | weekly
    Objective: Walk outside | count >= 3 walks per week | by 2025-08-01
    Intervention: Activity scheduling | every session

Each element belongs to the nearest element of the level above it. Objectives keep a
``key`` across revisions (matched by their wording) so recorded values and attainment
scores follow an objective from one version to the next.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from kindred.measures.definitions import Op, UnknownInstrument, get_definition, get_library

Text = Annotated[str, Field(min_length=1, max_length=500)]

OPS = {"<": Op.LT, "<=": Op.LE, "≤": Op.LE, "=": Op.EQ, ">=": Op.GE, "≥": Op.GE, ">": Op.GT}
OP_WORDS = {
    Op.LT: "below",
    Op.LE: "at most",
    Op.EQ: "exactly",
    Op.GE: "at least",
    Op.GT: "above",
}
OP_TEXT = {Op.LT: "<", Op.LE: "<=", Op.EQ: "=", Op.GE: ">=", Op.GT: ">"}
MAX_LINES = 200


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Intervention(_Strict):
    modality: Text
    frequency: Text


class MeasureTarget(_Strict):
    """E.g. PHQ-9 below 10: met when ``latest total <op> value``."""

    instrument: str
    op: Op
    value: int


class CountTarget(_Strict):
    """E.g. at least 3 walks per week: met when ``recorded value <op> value``."""

    op: Op
    value: int
    unit: Text


class Objective(_Strict):
    key: int
    text: Text
    measure: MeasureTarget | None = None
    count: CountTarget | None = None
    target_date: date
    interventions: tuple[Intervention, ...] = ()


class Goal(_Strict):
    text: Text
    objectives: tuple[Objective, ...] = ()


class Problem(_Strict):
    text: Text
    goals: tuple[Goal, ...] = ()


class PlanContent(_Strict):
    problems: tuple[Problem, ...] = ()
    # The next objective key to hand out, so a removed objective's key is never reused.
    next_key: int = 1

    def objectives(self) -> Iterator[Objective]:
        for problem in self.problems:
            for goal in problem.goals:
                yield from goal.objectives

    def objective(self, key: int) -> Objective | None:
        return next((o for o in self.objectives() if o.key == key), None)


class PlanTextError(ValueError):
    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = list(errors)


_LINE = re.compile(r"^(problem|goal|objective|intervention)\s*:\s*(.*)$", re.IGNORECASE)
_MEASURE = re.compile(r"^measure\s+([a-z0-9_]+)\s*(<=|>=|≤|≥|<|>|=)\s*(-?\d+)$", re.IGNORECASE)
_COUNT = re.compile(r"^count\s*(<=|>=|≤|≥|<|>|=)\s*(-?\d+)\s+(.+)$", re.IGNORECASE)
_BY = re.compile(r"^by\s+(\d{4}-\d{2}-\d{2})$", re.IGNORECASE)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _parse_objective(body: str, number: int, errors: list[str]) -> dict[str, Any] | None:
    parts = [p.strip() for p in body.split("|")]
    if len(parts) != 3 or not parts[0]:
        errors.append(
            f"Line {number}: write an objective as “description | measure phq9 < 10 | "
            "by 2025-09-01” or “description | count >= 3 walks per week | by 2025-09-01”."
        )
        return None
    text, target, by = parts
    objective: dict[str, Any] = {"text": text}
    if match := _MEASURE.match(target):
        instrument = match.group(1).lower()
        if instrument not in get_library():
            errors.append(f"Line {number}: there is no questionnaire called “{instrument}”.")
            return None
        objective["measure"] = {
            "instrument": instrument,
            "op": OPS[match.group(2)],
            "value": int(match.group(3)),
        }
    elif match := _COUNT.match(target):
        objective["count"] = {
            "op": OPS[match.group(1)],
            "value": int(match.group(2)),
            "unit": match.group(3).strip(),
        }
    else:
        errors.append(
            f"Line {number}: the target must be “measure <questionnaire> <comparison> <number>” "
            "or “count <comparison> <number> <unit>”."
        )
        return None
    by_match = _BY.match(by)
    if by_match is None:
        errors.append(f"Line {number}: give the target date as “by YYYY-MM-DD”.")
        return None
    try:
        objective["target_date"] = date.fromisoformat(by_match.group(1))
    except ValueError:
        errors.append(f"Line {number}: {by_match.group(1)} is not a date.")
        return None
    objective["interventions"] = []
    return objective


def parse_plan_text(text: str, previous: PlanContent | None = None) -> PlanContent:
    """Parse the therapist's text; raises :class:`PlanTextError` with every problem found.

    Objectives whose wording matches one in ``previous`` keep its key.
    """
    errors: list[str] = []
    problems: list[dict[str, Any]] = []
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise PlanTextError([f"A plan can have at most {MAX_LINES} lines."])
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            errors.append(
                f"Line {number}: start the line with Problem:, Goal:, Objective: or Intervention:."
            )
            continue
        level, body = match.group(1).lower(), match.group(2).strip()
        if not body:
            errors.append(f"Line {number}: the {level} is empty.")
            continue
        if len(body) > 500:
            errors.append(f"Line {number}: keep each line under 500 characters.")
            continue
        if level == "problem":
            problems.append({"text": body, "goals": []})
        elif level == "goal":
            if not problems:
                errors.append(f"Line {number}: a goal must come after a problem.")
                continue
            problems[-1]["goals"].append({"text": body, "objectives": []})
        elif level == "objective":
            if not problems or not problems[-1]["goals"]:
                errors.append(f"Line {number}: an objective must come after a goal.")
                continue
            objective = _parse_objective(body, number, errors)
            if objective is not None:
                problems[-1]["goals"][-1]["objectives"].append(objective)
        else:
            goals = problems[-1]["goals"] if problems else []
            if not goals or not goals[-1]["objectives"]:
                errors.append(f"Line {number}: an intervention must come after an objective.")
                continue
            parts = [p.strip() for p in body.split("|")]
            if len(parts) != 2 or not all(parts):
                errors.append(
                    f"Line {number}: write an intervention as “modality | frequency”, "
                    "e.g. “Behavioural activation | weekly”."
                )
                continue
            goals[-1]["objectives"][-1]["interventions"].append(
                {"modality": parts[0], "frequency": parts[1]}
            )
    if not errors and not problems:
        errors.append("Add at least one problem.")
    if errors:
        raise PlanTextError(errors)
    _assign_keys(problems, previous)
    next_key = max(
        [previous.next_key if previous else 1]
        + [o["key"] + 1 for p in problems for g in p["goals"] for o in g["objectives"]]
    )
    return PlanContent.model_validate({"problems": problems, "next_key": next_key})


def _assign_keys(problems: list[dict[str, Any]], previous: PlanContent | None) -> None:
    known = {_norm(o.text): o.key for o in previous.objectives()} if previous else {}
    next_key = previous.next_key if previous else 1
    used: set[int] = set()
    for problem in problems:
        for goal in problem["goals"]:
            for objective in goal["objectives"]:
                key = known.get(_norm(objective["text"]))
                if key is None or key in used:
                    key = next_key
                    next_key += 1
                used.add(key)
                objective["key"] = key


def target_text(objective: Objective) -> str:
    if objective.measure is not None:
        m = objective.measure
        return f"measure {m.instrument} {OP_TEXT[m.op]} {m.value}"
    assert objective.count is not None
    return f"count {OP_TEXT[objective.count.op]} {objective.count.value} {objective.count.unit}"


def render_lines(content: PlanContent) -> list[str]:
    """The text form, as the therapist edits it (parsing it gives the same content)."""
    lines: list[str] = []
    for problem in content.problems:
        lines.append(f"Problem: {problem.text}")
        for goal in problem.goals:
            lines.append(f"Goal: {goal.text}")
            for o in goal.objectives:
                lines.append(
                    f"Objective: {o.text} | {target_text(o)} | by {o.target_date.isoformat()}"
                )
                lines.extend(f"Intervention: {i.modality} | {i.frequency}" for i in o.interventions)
    return lines


def render_text(content: PlanContent) -> str:
    return "\n".join(render_lines(content))


def instrument_name(instrument_id: str) -> str:
    try:
        return get_definition(instrument_id).name
    except UnknownInstrument:
        return instrument_id


def plain_target(objective: Objective) -> str:
    """The target in words, for the member: “PHQ-9 score below 10”."""
    if objective.measure is not None:
        m = objective.measure
        return f"{instrument_name(m.instrument)} score {OP_WORDS[m.op]} {m.value}"
    assert objective.count is not None
    c = objective.count
    return f"{OP_WORDS[c.op]} {c.value} {c.unit}"


def differences(
    old: PlanContent, new: PlanContent, *, old_extra: Sequence[str], new_extra: Sequence[str]
) -> list[str]:
    """What changed between two versions, as “Added: …” / “Removed: …” lines."""
    before = [*old_extra, *render_lines(old)]
    after = [*new_extra, *render_lines(new)]
    changes = []
    for line in difflib.ndiff(before, after):
        if line.startswith("+ "):
            changes.append(f"Added: {line[2:]}")
        elif line.startswith("- "):
            changes.append(f"Removed: {line[2:]}")
    return changes
