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


def test_a_fresh_demo_lists_six_therapists_a_newcomer_can_book_at_once(settings, client):
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from kindred.bookings.slots import slots_for
    from kindred.therapy.access import listed_profiles
    from kindred.therapy.directory import page

    settings.DEMO_MODE = True
    _run()
    listed = list(listed_profiles().select_related("user").prefetch_related("facets"))
    assert len(listed) >= 6
    now = timezone.now()
    for profile in listed:
        assert slots_for(profile.user, now, now + timedelta(days=14)), profile.user.handle
        assert slots_for(profile.user, now + timedelta(days=7), now + timedelta(days=14))
    # Varied enough to be worth filtering.
    codes = [p.facet_codes() for p in listed]
    assert len({c for p in codes for c in p["modality"]}) >= 6
    assert len({c for p in codes for c in p["language"]}) >= 4
    assert {c for p in codes for c in p["format"]} == {"video", "phone", "in_person"}
    assert len({p.currency for p in listed}) >= 3
    assert len({p.fee for p in listed}) >= 5
    assert any(p.sliding_scale_min is not None for p in listed)
    results, _ = page({}, None)
    assert all(r.next_free is not None for r in results)
    body = client.get(reverse("therapy_directory")).content.decode()
    assert "matches all of these filters" not in body
    assert body.count('class="card therapist-card"') == len(listed)
