"""Suggestions: candidates from the index or the database, exclusions, preferences, queries."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import numpy as np
import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kindred.community.models import Suspension
from kindred.core.roles import Role
from kindred.peers import actions, indexing, taxonomy
from kindred.peers.indexing import encode_vector
from kindred.peers.models import Connection, ConnectionStatus, PeerProfile, ProfileTag
from kindred.peers.suggestions import suggestions_for, supporters_for_tags
from kindred.safety.access import forget_blocks
from kindred.safety.actions import do_block
from kindred.safety.models import Block
from tests.factories import UserFactory
from tests.peers.factories import connect, connected, make_member, make_profile, make_supporter

pytestmark = pytest.mark.django_db

GRIEF = "My dad died suddenly last year and I have been struggling with the grief ever since."
GRIEF_TOO = "I lost my father to a heart attack and the grief still hits me every evening."
DRINK = "I stopped drinking three months ago and I'm in early recovery, one day at a time."


def handles(user):
    return [s.user.handle for s in suggestions_for(user)]


def test_without_a_profile_there_are_no_suggestions(member):
    make_supporter()
    assert suggestions_for(member) == []


def test_it_ranks_the_closest_story_first_and_explains_only_what_is_shared(member):
    make_profile(member, story=GRIEF, tags=["bereavement.parent"], availability=["mon_evening"])
    make_supporter(
        "griever", story=GRIEF_TOO, tags=["bereavement.parent"], availability=["mon_evening"]
    )
    make_supporter(
        "sober",
        story=DRINK,
        tags=["recovery.early", "recovery.alcohol"],
        availability=["sat_morning"],
    )
    found = suggestions_for(member)
    assert [s.user.handle for s in found][:1] == ["griever"]
    best = found[0]
    assert "Losing a parent" in best.explanation
    assert "Monday evenings" in best.explanation
    for s in found:
        assert "Recovering from alcohol" not in s.explanation
        assert "Early recovery" not in s.explanation
        assert {t.id for t in s.shared_tags} <= {"bereavement.parent"}


def test_the_index_is_synced_incrementally_and_forgets_deleted_profiles(member):
    make_profile(member, story=GRIEF, tags=[])
    first = make_supporter("first", story=GRIEF_TOO, tags=[])
    assert handles(member) == ["first"]
    index = indexing.sync()
    assert first.pk in index
    later = make_supporter("later", story=GRIEF, tags=[])
    assert later.pk in indexing.sync()
    actions.do_delete_profile(later)
    # Another process learns of the removal from the database, not from this one.
    assert later.pk not in indexing.sync()
    assert "later" not in handles(member)


def test_a_burst_of_searches_syncs_once(member, monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(indexing, "MIN_SYNC_INTERVAL", timedelta(seconds=60))
    make_supporter("first", story=GRIEF_TOO)
    indexing.sync()
    with django_assert_num_queries(0):
        indexing.sync()
    later = make_supporter("later", story=GRIEF)
    assert later.pk not in indexing.sync()
    indexing.expire()
    assert later.pk in indexing.sync()


def test_with_an_empty_index_it_falls_back_to_shared_tags(member, monkeypatch):
    make_profile(member, story=GRIEF, tags=["bereavement.parent"])
    make_supporter("tagged", tags=["bereavement.parent"])
    make_supporter("other_tag", tags=["recovery.gambling"])
    monkeypatch.setattr(indexing, "search", lambda vector, k: [])
    assert handles(member)[0] == "tagged"


def test_excludes_suspended_inactive_unlisted_blocked_hidden_and_asked(member, moderator):
    from kindred.community.actions import do_suspend

    make_profile(member, seeks="both")
    fine = make_supporter("fine")
    suspended = make_supporter("suspended")
    do_suspend(moderator, suspended, days=2, reason="Harassment")
    inactive = make_supporter("inactive")
    inactive.is_active = False
    inactive.save()
    make_supporter("unlisted", is_listed=False)
    blocked_me = make_supporter("blocked_me")
    do_block(blocked_me, member)
    hidden = make_supporter("hidden")
    actions.do_hide_suggestion(member, hidden.pk)
    asked = make_supporter("asked")
    connect(member, asked)
    forget_blocks(member)
    assert handles(member) == ["fine"]
    assert fine.pk


def test_a_space_suspension_does_not_exclude(member, moderator, space):
    from kindred.community.actions import do_suspend

    make_profile(member)
    local = make_supporter("local")
    do_suspend(moderator, local, days=2, reason="Off topic", space=space)
    assert handles(member) == ["local"]


def test_hiding_shows_the_next_one(member):
    make_profile(member, tags=["bereavement.parent"])
    for i in range(7):
        make_supporter(f"s{i}", tags=["bereavement.parent"])
    first = suggestions_for(member)
    assert len(first) == 5
    actions.do_hide_suggestion(member, first[0].user.pk)
    second = suggestions_for(member)
    assert first[0].user not in [s.user for s in second]
    assert len(second) == 5


def test_full_supporters_are_not_suggested_to_people_seeking_support(member):
    make_profile(member)
    full = make_supporter("full", caseload_limit=1)
    connected(make_member(), full)
    make_supporter("free")
    assert handles(member) == ["free"]


def test_teens_only_meet_teens(member):
    make_profile(member)
    teen = UserFactory(handle="teen", age_band="teen", roles=[Role.MEMBER, Role.PEER_SUPPORTER])
    make_profile(teen, seeks="give_support")
    assert handles(member) == []


def test_age_range_preferences_hold_both_ways(member):
    make_profile(member, age_range="18_29", wants_age_ranges=["18_29", "30_44"])
    make_supporter("young", age_range="18_29")
    make_supporter("older", age_range="45_64")
    make_supporter("unsaid")
    make_supporter("picky", age_range="30_44", wants_age_ranges=["45_64"])
    assert handles(member) == ["young"]


def test_supporter_trainings_come_with_the_suggestion(member):
    make_profile(member)
    supporter = make_supporter("trained")
    actions.do_add_training(supporter, name="MHFA", completed_on=timezone.localdate())
    [s] = suggestions_for(member)
    assert s.is_supporter and [t.name for t in s.trainings] == ["MHFA"]


def test_supporters_whose_training_has_all_expired_are_not_suggested(member):
    make_profile(member)
    today = timezone.localdate()
    lapsed = make_supporter("lapsed")
    actions.do_add_training(
        lapsed, name="MHFA", completed_on=today - timedelta(days=800), expires_on=today
    )
    renewed = make_supporter("renewed")
    actions.do_add_training(
        renewed, name="MHFA", completed_on=today - timedelta(days=800), expires_on=today
    )
    actions.do_add_training(renewed, name="MHFA refresher", completed_on=today)
    make_supporter("untrained")
    # Expiring today is still valid today; a day later it has lapsed.
    assert sorted(handles(member)) == ["lapsed", "renewed", "untrained"]
    noon_tomorrow = datetime.combine(today + timedelta(days=1), time(12))
    with time_machine.travel(timezone.make_aware(noon_tomorrow)):
        assert sorted(handles(member)) == ["renewed", "untrained"]


def test_the_guide_does_not_count_supporters_with_lapsed_training():
    today = timezone.localdate()
    make_supporter(tags=["bereavement.parent"])
    lapsed = make_supporter(tags=["bereavement.parent"])
    actions.do_add_training(
        lapsed,
        name="MHFA",
        completed_on=today - timedelta(days=800),
        expires_on=today - timedelta(days=1),
    )
    assert supporters_for_tags(["bereavement.parent"]) == 1


def test_the_suggestions_page_costs_the_same_queries_for_many_people(
    member, client, django_assert_max_num_queries
):
    make_profile(member, story=GRIEF, tags=["bereavement.parent"])
    for i in range(3):
        s = make_supporter(f"few{i}", story=GRIEF_TOO, tags=["bereavement.parent"])
        actions.do_add_training(s, name="MHFA", completed_on=timezone.localdate())
    client.force_login(member)
    client.get("/peers/suggestions/")  # warm the index and the session
    with django_assert_max_num_queries(19) as few:
        assert client.get("/peers/suggestions/").status_code == 200
    for i in range(25):
        s = make_supporter(f"many{i}", story=GRIEF_TOO, tags=["bereavement.parent"])
        actions.do_add_training(s, name="MHFA", completed_on=timezone.localdate())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/peers/suggestions/").status_code == 200


def test_supporter_counts_for_the_guide_are_counts_only():
    make_supporter(tags=["bereavement.parent"])
    make_supporter(tags=["bereavement.parent", "bereavement.child"])
    make_member(tags=["bereavement.parent"], seeks="give_support")  # not a trained supporter
    full = make_supporter(tags=["bereavement.parent"], caseload_limit=1)
    connected(make_member(), full)
    assert supporters_for_tags(["bereavement.parent", "bereavement.child"]) == 2
    assert supporters_for_tags([]) == 0


# --- Property: never a forbidden suggestion ----------------------------------------------

TAG_POOL = ["bereavement.parent", "recovery.early", "condition.anxiety", "life_event.job_loss"]
SLOT_POOL = ["mon_evening", "sat_morning", "wed_afternoon"]
THEME_POOL = ["lost_parent", "early_recovery", "job_loss"]
GENDERS = ["", "woman", "man", "non_binary"]
RANGES = ["", "18_29", "30_44"]

person = st.fixed_dictionaries(
    {
        "teen": st.booleans(),
        "supporter": st.booleans(),
        "active": st.booleans(),
        "suspended": st.booleans(),
        "listed": st.booleans(),
        "languages": st.sets(st.sampled_from(["en", "es"]), min_size=1),
        "seeks": st.sampled_from(["support", "give_support", "both"]),
        "gender": st.sampled_from(GENDERS),
        "wants_genders": st.sets(st.sampled_from(GENDERS[1:]), max_size=2),
        "age_range": st.sampled_from(RANGES),
        "wants_age_ranges": st.sets(st.sampled_from(RANGES[1:]), max_size=1),
        "tags": st.sets(st.sampled_from(TAG_POOL), max_size=3),
        "slots": st.sets(st.sampled_from(SLOT_POOL), max_size=2),
        "themes": st.sets(st.sampled_from(THEME_POOL), max_size=2),
        "vector": st.booleans(),
        "limit": st.integers(min_value=1, max_value=2),
    }
)
population = st.tuples(
    st.lists(person, min_size=2, max_size=9),
    st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8)), max_size=6),  # blocks
    st.lists(st.tuples(st.integers(0, 8), st.integers(0, 8)), max_size=4),  # active links
    st.integers(0, 2**31),
)


def _build_population(people, blocks, links, seed):
    rng = np.random.default_rng(seed)
    users, profiles = [], []
    for i, p in enumerate(people):
        roles = [Role.MEMBER, Role.PEER_SUPPORTER] if p["supporter"] else [Role.MEMBER]
        user = UserFactory(handle=f"pop{i}", age_band="teen" if p["teen"] else "adult", roles=roles)
        if not p["active"]:
            user.is_active = False
            user.save(update_fields=["is_active"])
        if p["suspended"]:
            Suspension.objects.create(
                user=user, reason="x", until=timezone.now() + timedelta(days=1)
            )
        vector = rng.normal(size=384).astype(np.float32)
        profile = PeerProfile.objects.create(
            user=user,
            story_vector=encode_vector(vector / np.linalg.norm(vector)) if p["vector"] else None,
            story_themes=sorted(p["themes"]),
            languages=sorted(p["languages"]),
            availability=sorted(p["slots"]),
            seeks=p["seeks"],
            gender=p["gender"],
            age_range="" if p["teen"] else p["age_range"],
            wants_genders=sorted(p["wants_genders"]),
            wants_age_ranges=sorted(p["wants_age_ranges"]),
            caseload_limit=p["limit"],
            is_listed=p["listed"],
        )
        ProfileTag.objects.bulk_create([ProfileTag(profile=profile, tag=t) for t in p["tags"]])
        users.append(user)
        profiles.append(profile)
    n = len(users)
    for a, b in blocks:
        if a % n != b % n:
            Block.objects.get_or_create(blocker=users[a % n], blocked=users[b % n])
    for a, b in links:
        a, b = users[a % n], users[b % n]
        supporter = b if profiles[users.index(b)].seeks != "support" else None
        if (
            a != b
            and not Connection.objects.filter(
                pair_low=min(a.pk, b.pk), pair_high=max(a.pk, b.pk)
            ).exists()
        ):
            Connection.objects.create(
                requester=a, recipient=b, supporter=supporter, status=ConnectionStatus.ACTIVE
            )
    return users, profiles


def _seeks_fit(a, b):
    return "both" in (a, b) or {a, b} == {"support", "give_support"}


def _accepts(chooser, other, chooser_p, other_p):
    if chooser_p.wants_genders and other_p.gender not in chooser_p.wants_genders:
        return False
    return not (chooser_p.wants_age_ranges and other_p.age_range not in chooser_p.wants_age_ranges)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(population)
def test_suggestions_never_break_preferences_blocks_or_suspensions(db, data):
    people, blocks, links, seed = data
    with transaction.atomic():
        indexing.reset()
        users, profiles = _build_population(people, blocks, links, seed)
        by_user = {u.pk: (u, p, spec) for u, p, spec in zip(users, profiles, people, strict=True)}
        for viewer, mine, spec in by_user.values():
            found = suggestions_for(viewer)
            for s in found:
                other, theirs, other_spec = by_user[s.user.pk]
                # Never suspended, inactive, unlisted, self or blocked either way.
                assert other.is_active and not other_spec["suspended"] and theirs.is_listed
                assert other.pk != viewer.pk
                assert not Block.objects.filter(
                    blocker__in=[viewer, other], blocked__in=[viewer, other]
                ).exists()
                assert not Connection.objects.filter(
                    pair_low=min(viewer.pk, other.pk), pair_high=max(viewer.pk, other.pk)
                ).exists()
                # Preferences, both ways.
                assert viewer.age_band == other.age_band
                assert set(mine.languages) & set(theirs.languages)
                assert _accepts(viewer, other, mine, theirs)
                assert _accepts(other, viewer, theirs, mine)
                assert _seeks_fit(mine.seeks, theirs.seeks)
                if mine.seeks in ("support", "both") and other_spec["supporter"]:
                    load = Connection.objects.filter(supporter=other, status="active").count()
                    assert load < theirs.caseload_limit
                # The explanation names only what both have.
                for tag_id, tag in taxonomy.TAGS.items():
                    if f"“{tag.label}”" in s.explanation:
                        assert tag_id in spec["tags"] and tag_id in other_spec["tags"]
                if "free on" in s.explanation:
                    assert spec["slots"] & other_spec["slots"]
                if "wrote about" in s.explanation:
                    assert spec["themes"] & other_spec["themes"]
            for user in users:
                forget_blocks(user)
        transaction.set_rollback(True)
    indexing.reset()
