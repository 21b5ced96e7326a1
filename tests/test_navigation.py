"""The navigation offers each person what they can use, and nothing that answers 403/404."""

from __future__ import annotations

import pytest

from kindred.navigation import nav_for
from tests.conftest import PERSONAS


def keys(user):
    nav = nav_for(user)
    return {
        "main": [i.key for i in nav.main],
        "mine": [i.key for i in nav.mine],
        "work": [i.key for i in nav.work],
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (
            "anonymous",
            {"main": ["spaces", "groups", "therapists", "guide"], "mine": [], "work": []},
        ),
        (
            "member",
            {
                "main": ["spaces", "groups", "peers", "therapists", "guide"],
                "mine": ["care", "sessions", "checkins", "safety_plan"],
                "work": [],
            },
        ),
        (
            "peer_supporter",
            {
                "main": ["spaces", "groups", "peers", "therapists", "guide"],
                "mine": ["care", "sessions", "checkins", "safety_plan"],
                "work": [],
            },
        ),
        (
            "therapist",
            {
                "main": ["spaces"],
                "mine": [],
                "work": ["practice", "schedule", "clients", "messages"],
            },
        ),
        ("moderator", {"main": ["spaces"], "mine": [], "work": ["moderation"]}),
        ("staff", {"main": ["spaces"], "mine": [], "work": ["staff"]}),
    ],
    indirect=["persona"],
)
def test_it_lists_the_items_each_role_can_use(persona, expected, db):
    from django.contrib.auth.models import AnonymousUser

    assert keys(persona or AnonymousUser()) == expected


@pytest.mark.parametrize("persona", ["anonymous", *PERSONAS], indirect=True)
def test_no_item_leads_to_a_refusal(persona, login, db):
    """Every item the bar shows a person opens for them (no 403, no 404)."""
    from django.contrib.auth.models import AnonymousUser

    client = login(persona)
    nav = nav_for(persona or AnonymousUser())
    for item in [*nav.main, *nav.mine, *nav.work]:
        response = client.get(item.url)
        assert response.status_code == 200, (item.key, response.status_code)


def test_it_marks_the_current_section(member):
    nav = nav_for(member, "/spaces/anxiety/")
    assert [i.key for i in nav.main if i.current] == ["spaces"]


def test_the_most_specific_item_is_current(therapist):
    nav = nav_for(therapist, "/therapist/clients/12/")
    assert [i.key for i in [*nav.main, *nav.work] if i.current] == ["clients"]
    nav = nav_for(therapist, "/therapist/profile/")
    assert [i.key for i in nav.work if i.current] == ["practice"]


def test_it_hides_start_a_thread_from_people_who_cannot_post(client, therapist, member, space):
    url = f"/spaces/{space.slug}/"
    client.force_login(therapist)
    assert "Start a thread" not in client.get(url).content.decode()
    client.force_login(member)
    assert "Start a thread" in client.get(url).content.decode()


@pytest.mark.parametrize(
    "persona", ["anonymous", "member", "therapist", "moderator"], indirect=True
)
def test_the_bar_renders_only_the_persons_items(persona, login, db):
    html = login(persona).get("/").content.decode()
    assert 'href="/help/"' in html
    assert ('href="/peers/"' in html) == (persona is not None and persona.has_role("member"))
    assert ('href="/therapist/"' in html) == (persona is not None and persona.has_role("therapist"))
    assert ('href="/moderation/"' in html) == (
        persona is not None and persona.has_role("moderator")
    )
    assert ('href="/accounts/login/"' in html) == (persona is None)
