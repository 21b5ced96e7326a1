"""Saved guides as the saved-guides page and the API list them: the owner's only, and
nothing clinical read (so nothing audited)."""

from __future__ import annotations

import pytest

from kindred.audit.models import AuditEvent
from kindred.guide import queries
from kindred.guide.actions import do_save_guide
from tests.guide.conftest import answers

pytestmark = pytest.mark.django_db


def test_the_owner_lists_their_guides_newest_first(member, member2):
    first = do_save_guide(member, answers())
    second = do_save_guide(member, answers())
    rows = queries.saved_guides_of(member, limit=10)
    assert [r.id for r in rows] == [second.pk, first.pk]
    assert rows[0].content_version == second.content_version
    assert queries.saved_guides_of(member2, limit=10) == []
    assert [r.id for r in queries.saved_guides_of(member, limit=1)] == [second.pk]


def test_listing_reads_nothing_clinical(member):
    do_save_guide(member, answers())
    before = AuditEvent.objects.count()
    queries.saved_guides_of(member, limit=10)
    assert AuditEvent.objects.count() == before
