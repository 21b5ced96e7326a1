"""What peer support tells the care app (team, timeline) and the decision guide (next steps).

Registered from :meth:`kindred.peers.apps.PeersConfig.ready`. Each source answers for
one person; the care app's views decide who may see it.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from kindred.accounts.models import User
from kindred.consent.sources import TeamEntry, TimelineItem
from kindred.guide.nextsteps import GuideNeeds, NextStep
from kindred.peers.models import Connection, ConnectionStatus

# The guide's topics are community space slugs; these are the experience tags under each.
TOPIC_TAG_PREFIXES: dict[str, tuple[str, ...]] = {
    "depression-anxiety": ("condition.",),
    "addiction-recovery": ("recovery.",),
    "chronic-illness-pain": ("chronic_illness.",),
    "grief-loss": ("bereavement.",),
    "caregivers": ("life_event.caring", "recovery.family"),
}


def team(member: User) -> list[TeamEntry]:
    """Peer supporters ``member`` is connected to now (not the member's own supportees)."""
    rows = (
        Connection.objects.filter(
            Q(requester=member) | Q(recipient=member), status=ConnectionStatus.ACTIVE
        )
        .exclude(supporter__isnull=True)
        .exclude(supporter=member)
        .select_related("supporter")
    )
    return [
        TeamEntry(
            person=c.supporter,
            relation="peer_supporter",
            detail=f"One-to-one peer support since {c.started_at:%-d %B %Y}"
            if c.started_at
            else "One-to-one peer support",
            since=c.started_at,
            url=reverse("peers_connection", args=[c.pk]),
        )
        for c in rows
        # Always set (the query excludes the rest); the test narrows the type.
        if c.supporter is not None
    ]


def timeline(member: User) -> list[TimelineItem]:
    """Connections started and ended, for the member's own timeline."""
    rows = (
        Connection.objects.filter(Q(requester=member) | Q(recipient=member))
        .filter(started_at__isnull=False)
        .select_related("requester", "recipient")
    )
    items: list[TimelineItem] = []
    for c in rows:
        other = c.recipient if c.requester_id == member.pk else c.requester
        url = reverse("peers_connection", args=[c.pk])
        assert c.started_at is not None
        items.append(
            TimelineItem(
                when=c.started_at,
                kind="connection",
                title=f"Connected with {other.handle}",
                detail="One-to-one peer support",
                url=url,
            )
        )
        if c.ended_at is not None:
            items.append(
                TimelineItem(
                    when=c.ended_at,
                    kind="connection",
                    title=f"Connection with {other.handle} ended",
                    url=url,
                )
            )
    return items


def members_in_peer_support() -> set[int]:
    """Everyone who has had a started 1:1 connection as the supported side (one query).

    The supporter of a connection is giving help, not using it; equals both use it.
    """
    rows = Connection.objects.filter(started_at__isnull=False).values_list(
        "requester_id", "recipient_id", "supporter_id"
    )
    return {uid for a, b, s in rows for uid in (a, b) if uid != s}


def tags_for_topics(topics: frozenset[str]) -> list[str]:
    from kindred.peers.taxonomy import TAGS

    prefixes = tuple(p for t in topics for p in TOPIC_TAG_PREFIXES.get(t, ()))
    return sorted(tag for tag in TAGS if prefixes and tag.startswith(prefixes))


def next_steps(needs: GuideNeeds, user: User | None) -> list[NextStep]:
    """Top suggestions for a member with a profile; for anyone else a count, never a person."""
    from kindred.peers.access import can_use_peers
    from kindred.peers.models import PeerProfile
    from kindred.peers.suggestions import suggestions_for, supporters_for_tags

    member = user if user is not None and user.is_authenticated else None
    if (
        member is not None
        and can_use_peers(member)
        and PeerProfile.objects.filter(user_id=member.pk).exists()
    ):
        return [
            NextStep(
                kind="peer",
                title=f"Talk one-to-one with {s.user.handle}",
                url=reverse("peers_suggestions"),
                reason=s.explanation,
            )
            for s in suggestions_for(member, limit=3)
        ]
    age_band = member.age_band if member is not None else needs.age_band
    count = supporters_for_tags(tags_for_topics(needs.topics), age_band=age_band)
    if count:
        reason = (
            f"{count} trained peer supporter{'s' if count != 1 else ''} with lived experience "
            "of what you told us about can take someone new. Create a peer profile to be "
            "matched by what you have been through."
        )
    else:
        reason = (
            "Talk with someone who has been through something similar. Create a peer profile "
            "to be matched by what you have been through."
        )
    return [
        NextStep(
            kind="peer",
            title="Find a peer who has been there",
            url=reverse("peers_profile_edit"),
            reason=reason,
        )
    ]
