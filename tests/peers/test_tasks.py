"""Housekeeping: stories saved while the model was unavailable get their vector later;
old index removals are pruned."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.peers import actions, indexing
from kindred.peers.models import PeerProfile, ProfileRemoval
from kindred.peers.tasks import embed_missing_stories, peers_housekeeping
from tests.peers.factories import make_profile

pytestmark = pytest.mark.django_db


def test_a_story_saved_without_the_model_is_embedded_later(member, monkeypatch):
    monkeypatch.setattr(actions, "story_vector", lambda story: None)
    make_profile(member, story="My mum died last spring.")
    assert PeerProfile.objects.get(user=member).story_vector is None
    assert embed_missing_stories() == 1
    profile = PeerProfile.objects.get(user=member)
    assert indexing.decode_vector(profile.story_vector).shape == (384,)
    assert member.pk in indexing.sync()
    assert embed_missing_stories() == 0


def test_a_failing_model_does_not_lose_the_story(member, monkeypatch):
    def broken(texts):
        raise RuntimeError("model file missing")

    monkeypatch.setattr("kindred.peers.matching.embedding.embed", broken)
    make_profile(member, story="Words worth keeping.")
    profile = PeerProfile.objects.get(user=member)
    assert profile.story == "Words worth keeping." and profile.story_vector is None


def test_old_removals_are_pruned(db):
    ProfileRemoval.objects.create(user_id=1, removed_at=timezone.now() - timedelta(days=2))
    ProfileRemoval.objects.create(user_id=2)
    assert peers_housekeeping.call_local() == 1
    assert list(ProfileRemoval.objects.values_list("user_id", flat=True)) == [2]
