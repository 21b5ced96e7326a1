"""Answer sets for tests: built from the item options, checked against hand-set totals."""

from __future__ import annotations

from kindred.measures.definitions import InstrumentDefinition


def answers_for_raw(definition: InstrumentDefinition, raw: int) -> dict[str, int]:
    """A complete answer set whose plain item sum is ``raw`` (fills early items first)."""
    values = [sorted(o.value for o in definition.options_for(i)) for i in definition.items]
    # reachable[i]: the sums items[i:] can make.
    reachable: list[set[int]] = [set() for _ in range(len(values) + 1)]
    reachable[-1] = {0}
    for i in reversed(range(len(values))):
        reachable[i] = {v + rest for v in values[i] for rest in reachable[i + 1]}
    if raw not in reachable[0]:
        raise ValueError(f"{definition.name} cannot sum to {raw}")
    answers: dict[str, int] = {}
    remaining = raw
    for i, item in enumerate(definition.items):
        value = next(v for v in reversed(values[i]) if remaining - v in reachable[i + 1])
        answers[item.id] = value
        remaining -= value
    assert sum(answers.values()) == raw
    return answers


def lowest(definition: InstrumentDefinition) -> dict[str, int]:
    return {i.id: min(o.value for o in definition.options_for(i)) for i in definition.items}


def highest(definition: InstrumentDefinition) -> dict[str, int]:
    return {i.id: max(o.value for o in definition.options_for(i)) for i in definition.items}
