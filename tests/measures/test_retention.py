"""Questionnaire drafts left untouched for the period are deleted; responses stay."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kindred.measures.models import ResponseDraft
from kindred.measures.retention import purge_stale_drafts


def _draft(member, instrument_id: str, days_ago: int) -> ResponseDraft:
    return ResponseDraft.objects.create(
        member=member,
        instrument_id=instrument_id,
        instrument_version="1",
        answers={"q1": 2},
        updated_at=timezone.now() - timedelta(days=days_ago),
    )


def test_stale_drafts_go_and_recent_ones_stay(member, member2):
    _draft(member, "phq9", 31)
    _draft(member2, "gad7", 60)
    recent = _draft(member, "gad7", 29)
    cutoff = timezone.now() - timedelta(days=30)
    assert purge_stale_drafts(cutoff, 1) == 2
    assert list(ResponseDraft.objects.all()) == [recent]
    assert purge_stale_drafts(cutoff, 1) == 0
