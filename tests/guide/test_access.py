"""Saved guides: their owner alone reads them, every read audited; the same error for
"missing" and "not yours"."""

from __future__ import annotations

import pytest

from kindred.audit.models import AuditEvent
from kindred.core.access import NotFound
from kindred.guide.access import access_saved_guide, visible_saved_guides
from kindred.guide.actions import do_save_guide
from tests.guide.conftest import answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide(member):
    return do_save_guide(member, answers())


def test_the_owner_reads_their_guide_and_the_read_is_audited(member, guide):
    assert access_saved_guide(member, guide.pk) == guide
    assert AuditEvent.objects.filter(
        event="guide.savedguide.read", actor_id=member.pk, target_id=str(guide.pk)
    ).exists()


@pytest.mark.parametrize(
    "persona",
    ["member2", "peer_supporter", "facilitator", "therapist", "moderator", "staff"],
    indirect=True,
)
def test_nobody_else_reads_it(persona, guide):
    with pytest.raises(NotFound) as other:
        access_saved_guide(persona, guide.pk)
    with pytest.raises(NotFound) as missing:
        access_saved_guide(persona, guide.pk + 1000)
    assert str(other.value) == str(missing.value)
    assert not visible_saved_guides(persona).exists()


def test_anonymous_sees_none(guide):
    from django.contrib.auth.models import AnonymousUser

    assert not visible_saved_guides(AnonymousUser()).exists()
    with pytest.raises(NotFound):
        access_saved_guide(AnonymousUser(), guide.pk)
    with pytest.raises(NotFound):
        access_saved_guide(AnonymousUser(), "not-a-number")
