"""Who to suggest to a member, and why, in a fixed number of queries.

1. Candidates: the story neighbours from this process's index (:mod:`kindred.peers.indexing`)
   plus the profiles sharing the most tags, found in the database. The second list is
   never empty when the first is: someone who wrote no story has no vector, and an empty
   index (a fresh process, a new site) still has to give answers.
2. Exclusions in the database: inactive or suspended accounts, unlisted profiles,
   anyone blocked either way, people the member hid, anyone already asked.
3. The library's hard filters, ranking and explanation (:mod:`kindred.peers.matching`),
   after the Django-side age-range preferences (the library knows only adult/teen).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from kindred.accounts.models import User, UserRole
from kindred.core.roles import Role
from kindred.peers import indexing, taxonomy
from kindred.peers.access import excluded_user_ids, reachable_profiles
from kindred.peers.matching.profile import MatchProfile
from kindred.peers.models import Connection, ConnectionStatus, PeerProfile, ProfileTag, Training

SUGGESTION_LIMIT = 5
# How many candidates reach the exact filters and scoring: enough that hard filters
# (language, preferences, blocks) rarely empty the list, few enough to score in
# milliseconds.
CANDIDATE_POOL = 200
SUPPORTER_ROLES = (Role.PEER_SUPPORTER, Role.FACILITATOR)


@dataclass(frozen=True)
class Suggestion:
    user: User
    profile: PeerProfile
    score: Any  # matching.score.Score
    explanation: str
    shared_tags: tuple[taxonomy.Tag, ...]
    is_supporter: bool
    trainings: tuple[Training, ...]


def without_lapsed_training(profiles: QuerySet[PeerProfile]) -> QuerySet[PeerProfile]:
    """Drop supporters whose every training has expired.

    Someone offering support on the strength of a certificate that has lapsed should not be
    put in front of a member until they renew it. A supporter with no training recorded is
    kept: the role was given by staff, and there is nothing that has run out.
    """
    today = timezone.localdate()
    trainings = Training.objects.filter(profile_id=OuterRef("user_id"))
    current = trainings.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today))
    supporter = UserRole.objects.filter(user_id=OuterRef("user_id"), role__in=SUPPORTER_ROLES)
    return profiles.exclude(Exists(supporter) & Exists(trainings) & ~Exists(current))


def _supporter_ids(user_ids: Iterable[int]) -> set[int]:
    return set(
        UserRole.objects.filter(user_id__in=list(user_ids), role__in=SUPPORTER_ROLES).values_list(
            "user_id", flat=True
        )
    )


def _caseloads(user_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        Connection.objects.filter(supporter_id__in=list(user_ids), status=ConnectionStatus.ACTIVE)
        .values("supporter_id")
        .annotate(n=Count("id"))
    )
    return {row["supporter_id"]: row["n"] for row in rows}


def to_match_profile(
    profile: PeerProfile, *, age_band: str, is_supporter: bool, caseload: int
) -> MatchProfile:
    return MatchProfile(
        user_id=profile.user_id,
        tags=frozenset(t.tag for t in profile.tags.all()),
        vector=indexing.decode_vector(profile.story_vector),
        languages=frozenset(profile.languages),
        availability=frozenset(profile.availability),
        seeks=profile.seeks,
        age_band=age_band,
        gender=profile.gender,
        wants_genders=frozenset(profile.wants_genders),
        # Teens meet only teens and adults only adults whatever anyone asks for; the
        # finer adult ranges are applied by :func:`age_ranges_fit`.
        wants_age_bands=frozenset(),
        story_themes=frozenset(profile.story_themes or ()),
        is_supporter=is_supporter,
        caseload_full=is_supporter and caseload >= profile.caseload_limit,
    )


def _build(profiles: list[PeerProfile]) -> dict[int, MatchProfile]:
    ids = [p.user_id for p in profiles]
    supporters = _supporter_ids(ids)
    loads = _caseloads(supporters) if supporters else {}
    return {
        p.user_id: to_match_profile(
            p,
            age_band=p.user.age_band,
            is_supporter=p.user_id in supporters,
            caseload=loads.get(p.user_id, 0),
        )
        for p in profiles
    }


def build_match_profiles(user_ids: Iterable[int]) -> dict[int, MatchProfile]:
    """The matcher's view of these people (four queries however many)."""
    profiles = list(
        PeerProfile.objects.filter(user_id__in=list(user_ids))
        .select_related("user")
        .prefetch_related("tags")
    )
    return _build(profiles)


def age_ranges_fit(a: PeerProfile, b: PeerProfile) -> bool:
    """Each side's age-range preference is met by the other (both ways).

    An unstated range never satisfies a stated preference, as with gender.
    """
    if a.wants_age_ranges and b.age_range not in a.wants_age_ranges:
        return False
    return not (b.wants_age_ranges and a.age_range not in b.wants_age_ranges)


def candidate_ids(profile: PeerProfile, excluded: set[int], tags: Iterable[str]) -> list[int]:
    """Story neighbours, then the best tag overlaps, de-duplicated, at most twice the pool."""
    ids: list[int] = []
    vector = indexing.decode_vector(profile.story_vector)
    if vector is not None and vector.any():
        for user_id, _ in indexing.search(vector, CANDIDATE_POOL + len(excluded)):
            if user_id not in excluded:
                ids.append(user_id)
            if len(ids) >= CANDIDATE_POOL:
                break
    tags = list(tags)
    by_tag = (
        ProfileTag.objects.filter(tag__in=tags)
        .exclude(profile_id__in=excluded)
        .values("profile_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "profile_id")
        .values_list("profile_id", flat=True)[:CANDIDATE_POOL]
        if tags
        else reachable_profiles()
        .exclude(user_id__in=excluded)
        .order_by("-updated_at")
        .values_list("user_id", flat=True)[:CANDIDATE_POOL]
    )
    seen = set(ids)
    ids += [i for i in by_tag if i not in seen]
    return ids


def suggestions_for(user: User, *, limit: int = SUGGESTION_LIMIT) -> list[Suggestion]:
    """The best people for ``user`` to talk with, best first; [] without a profile.

    A fixed number of queries whatever the population or the limit.
    """
    own = PeerProfile.objects.filter(user_id=user.pk).prefetch_related("tags").first()
    if own is None:
        return []
    own.user = user
    excluded = excluded_user_ids(user)
    blocked = frozenset(excluded - {user.pk})
    ids = candidate_ids(own, excluded, (t.tag for t in own.tags.all()))
    candidates = list(
        without_lapsed_training(reachable_profiles())
        .filter(user_id__in=ids, user__age_band=user.age_band)
        .exclude(user_id__in=excluded)
        # Never shown and not needed to match: don't decrypt hundreds of stories.
        .defer("story")
        .select_related("user")
        .prefetch_related("tags")
    )
    candidates = [c for c in candidates if age_ranges_fit(own, c)]
    built = _build([own, *candidates])
    me = built[user.pk]
    from kindred.peers.matching.explain import explain
    from kindred.peers.matching.score import rank

    ranked = rank(me, [built[c.user_id] for c in candidates], blocked=blocked, limit=limit)
    by_id = {c.user_id: c for c in candidates}
    chosen = [by_id[m.user_id] for m, _ in ranked]
    supporters = {m.user_id for m, _ in ranked if m.is_supporter}
    trainings: dict[int, list[Training]] = {}
    if supporters:
        for t in Training.objects.filter(profile_id__in=supporters):
            trainings.setdefault(t.profile_id, []).append(t)
    return [
        Suggestion(
            user=profile.user,
            profile=profile,
            score=score,
            explanation=explain(me, match, score),
            shared_tags=tuple(taxonomy.TAGS[t] for t in score.shared_tags if t in taxonomy.TAGS),
            is_supporter=match.is_supporter,
            trainings=tuple(trainings.get(profile.user_id, ())),
        )
        for profile, (match, score) in zip(chosen, ranked, strict=True)
    ]


def supporters_for_tags(tag_ids: Iterable[str], *, age_band: str | None = None) -> int:
    """How many peer supporters with room in their caseload share one of these tags.

    A count only: the guide shows it to anonymous visitors, who must never learn who.
    """
    tag_ids = list(tag_ids)
    if not tag_ids:
        return 0
    profiles = without_lapsed_training(reachable_profiles()).filter(
        tags__tag__in=tag_ids,
        user__roles__role__in=SUPPORTER_ROLES,
    )
    if age_band:
        profiles = profiles.filter(user__age_band=age_band)
    rows = list(profiles.values_list("user_id", "caseload_limit").distinct())
    loads = _caseloads(uid for uid, _ in rows)
    return sum(1 for uid, limit in rows if loads.get(uid, 0) < limit)
