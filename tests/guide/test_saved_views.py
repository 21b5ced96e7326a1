"""The saved-guide pages: the owner's only, with what changed between saves."""

from __future__ import annotations

import re

import pytest

from kindred.guide.actions import do_save_guide
from kindred.guide.models import SavedGuide
from tests.guide.conftest import answers, phq9
from tests.guide.pages import step_of, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def guides(member):
    first = do_save_guide(member, answers(screening={"phq9": phq9(15)}, expertise="not"))
    second = do_save_guide(
        member, answers(screening={"phq9": phq9(9)}, expertise="very", choice="both")
    )
    return first, second


def pages(guide):
    return [
        ("get", "/guide/saved/"),
        ("get", f"/guide/saved/{guide.pk}/"),
        ("post", f"/guide/saved/{guide.pk}/delete/"),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, guides):
    for method, url in pages(guides[1]):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert SavedGuide.objects.count() == 2


@pytest.mark.parametrize(
    "persona", ["member2", "peer_supporter", "therapist", "moderator", "staff"], indirect=True
)
def test_other_people_get_not_found(login, persona, guides):
    client = login(persona)
    listing = client.get("/guide/saved/")
    assert listing.status_code == 200
    assert f"/guide/saved/{guides[1].pk}/" not in listing.content.decode()
    assert client.get(f"/guide/saved/{guides[1].pk}/").status_code == 404
    assert client.post(f"/guide/saved/{guides[1].pk}/delete/").status_code == 404
    assert SavedGuide.objects.count() == 2


def test_the_owner_lists_their_guides_in_constant_queries(
    login, member, guides, django_assert_max_num_queries
):
    client = login(member)
    for _ in range(5):
        do_save_guide(member, answers())
    with django_assert_max_num_queries(8):
        response = client.get("/guide/saved/")
    assert response.status_code == 200
    assert len(re.findall(r'href="/guide/saved/\d+/"', response.content.decode())) == 7


def test_the_owner_sees_how_answers_and_scores_changed(login, member, guides):
    response = login(member).get(f"/guide/saved/{guides[1].pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "What changed since your previous save" in html
    assert re.search(
        r"PHQ-9</th>\s*<td>15 \(Moderately severe\)</td>\s*<td>9 \(Mild\)</td>\s*<td>-6</td>", html
    )
    assert re.search(
        r"Help from a trained, licensed professional</th><td>Not important</td><td>Very important</td>",
        html,
    )


def test_the_first_save_says_there_is_nothing_to_compare_yet(login, member, guides):
    html = login(member).get(f"/guide/saved/{guides[0].pk}/").content.decode()
    assert "This is your first saved guide" in html


def test_the_owner_can_go_through_it_again_with_answers_filled_in(login, member, guides):
    client = login(member)
    response = client.get(f"/guide/saved/{guides[1].pk}/")
    response = submit(
        client, response, safety_thoughts="no", safety_intent="no", safety_danger="no"
    )
    assert step_of(response) == "matters"
    assert re.search(r'name="expertise" value="very"[^>]*checked', response.content.decode())


def test_the_owner_deletes_a_guide(login, member, guides):
    response = login(member).post(f"/guide/saved/{guides[0].pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/guide/saved/"
    assert list(SavedGuide.objects.all()) == [guides[1]]
