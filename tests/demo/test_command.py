"""``kindred demo``: the whole demo, twice, the second time adding nothing."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from kindred.accounts.demo import DEMO_PASSWORD, PERSONAS

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(r"^(\w+): (\d+) demo ")


def _run() -> list[str]:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue().splitlines()


def _summaries(lines: list[str]) -> list[tuple[str, int]]:
    return [(m[1], int(m[2])) for line in lines if (m := SUMMARY.match(line))]


def test_a_second_run_adds_nothing_and_says_the_same_sign_in(settings):
    settings.DEMO_MODE = True
    first, second = _run(), _run()
    assert [line.split()[1] for line in first[: len(PERSONAS)]] == [p.key for p in PERSONAS]
    assert all(line.startswith("created") for line in first[: len(PERSONAS)])
    assert all(line.startswith("exists") for line in second[: len(PERSONAS)])
    made, again = _summaries(first), _summaries(second)
    assert [name for name, _ in again] == [name for name, _ in made]
    assert all(count > 0 for _, count in made)
    assert all(count == 0 for _, count in again)
    assert first[-1] == second[-1] == f"Password for every demo account: {DEMO_PASSWORD}"
