"""Background work for peer support: fill in missing story vectors, prune index removals."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

# Per run: embedding is a few milliseconds per story once the model is loaded.
EMBED_BATCH = 200


def embed_missing_stories(limit: int = EMBED_BATCH) -> int:
    """Embed stories saved while the model was unavailable. Returns how many were done."""
    from django.utils import timezone

    from kindred.peers.indexing import encode_vector
    from kindred.peers.matching.embedding import embed
    from kindred.peers.models import PeerProfile

    todo = list(
        PeerProfile.objects.filter(story_vector__isnull=True).only("user_id", "story")[:limit]
    )
    todo = [p for p in todo if p.story]
    if not todo:
        return 0
    vectors = embed([p.story for p in todo])
    for profile, vector in zip(todo, vectors, strict=True):
        # Only if the story is still the one embedded; a newer save brought its own vector.
        PeerProfile.objects.filter(pk=profile.pk, story_vector__isnull=True).update(
            story_vector=encode_vector(vector), updated_at=timezone.now()
        )
    return len(todo)


@db_periodic_task(crontab(minute="*/10"))
def peers_housekeeping() -> int:
    from kindred.peers.indexing import prune_removals

    return embed_missing_stories() + prune_removals()
