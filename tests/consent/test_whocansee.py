"""The member's "Who can see what" page (kindred/care/whocansee.py and its view)."""

from __future__ import annotations

import pytest

from kindred.consent import actions as consent_actions
from kindred.consent import visibility, whocansee
from tests.care.factories import book
from tests.conftest import PERSONAS
from tests.factories import UserFactory

PAGE = "/my/care/who-can-see/"
ASSIGNED = visibility.THERAPIST_ASSIGNED_QUESTIONNAIRES


def _viewer(rows, name):
    return next(v for v in rows if v.name == name)


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_only_get(login, member):
    assert login(member).post(PAGE).status_code == 405


def test_it_names_each_person_with_role_what_they_see_and_why(care_team, member, therapist):
    consent_actions.do_grant(member, therapist.pk, "safety_plan")
    rows = whocansee.who_can_see(member)
    therapist_row = _viewer(rows, "dr_ellis")
    assert therapist_row.roles == ["Therapist"]
    assert [s.default_key for s in therapist_row.seen if s.source == "default"] == [
        d.key for d in visibility.defaults_for("therapist")
    ]
    granted = [s for s in therapist_row.seen if s.source == "grant"]
    assert len(granted) == 1 and "safety plan" in granted[0].what.lower()
    assert granted[0].why == "You shared it with them."
    peer = _viewer(rows, "peer_priya")
    assert [s.default_key for s in peer.seen] == [visibility.PEER_SUPPORTER_CONNECTION.key]
    assert peer.reasons == ["Peer supporter: Test connection"]
    # Moderators come last, as a role, with what the declarations give them.
    moderators = rows[-1]
    assert moderators.person is None
    assert [s.default_key for s in moderators.seen] == [
        d.key for d in visibility.defaults_for("moderator")
    ]


def test_a_switched_off_default_shows_off_with_the_switch_back(care_team, member):
    consent_actions.do_set_default_access(member, ASSIGNED.key, on=False)
    seen = _viewer(whocansee.who_can_see(member), "dr_ellis").seen
    assigned = next(s for s in seen if s.default_key == ASSIGNED.key)
    assert assigned.on is False and assigned.can_switch


def test_the_page_links_each_change_the_member_can_make(login, care_team, member, therapist):
    grant = consent_actions.do_grant(member, therapist.pk, "measure_trends")
    page = login(member).get(PAGE).content.decode()
    assert f'action="/my/care/sharing/{grant.pk}/stop/"' in page
    assert 'action="/my/care/defaults/"' in page and f'value="{ASSIGNED.key}"' in page
    for default in visibility.DEFAULTS:
        assert str(default.why).split("'")[0] in page


def test_switching_off_from_the_page_comes_back_to_it(login, care_team, member):
    client = login(member)
    response = client.post("/my/care/defaults/", {"key": ASSIGNED.key, "on": "0", "back": "who"})
    assert response.status_code == 302 and response["Location"] == PAGE
    assert not visibility.is_on(member, ASSIGNED)
    assert "You switched this off." in client.get(PAGE).content.decode()


def test_stopping_a_grant_from_the_page_comes_back_to_it(login, care_team, member, therapist):
    grant = consent_actions.do_grant(member, therapist.pk, "measure_trends")
    response = login(member).post(f"/my/care/sharing/{grant.pk}/stop/", {"back": "who"})
    assert response["Location"] == PAGE
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert f'data-grant="{grant.pk}"' not in login(member).get(PAGE).content.decode()


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_every_persona_sees_only_their_own_page(login, care_team, member, therapist, persona):
    consent_actions.do_grant(member, therapist.pk, "safety_plan")
    consent_actions.do_set_default_access(member, ASSIGNED.key, on=False)
    page = login(persona).get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    if persona == member:
        assert 'data-source="grant"' in text and "You switched this off." in text
    else:
        # Nobody else's grants or switches: only what applies to them.
        assert 'data-source="grant"' not in text and "You switched this off." not in text
        assert "dr_ellis</h2>" not in text or persona.pk != member.pk


def test_the_query_count_does_not_grow_with_the_team(
    login, care_team, member, therapist, django_assert_max_num_queries
):
    client = login(member)
    client.get(PAGE)
    with django_assert_max_num_queries(12) as small:
        assert client.get(PAGE).status_code == 200
    for n in range(6):
        person = UserFactory(handle=f"helper_{n}")
        care_team.add(member, person, "peer_supporter" if n % 2 else "facilitator")
        consent_actions.do_grant(member, person.pk, "safety_plan")
        consent_actions.do_grant(member, person.pk, "measure_trends")
        book(member, UserFactory(handle=f"therapist_{n}", roles=["therapist"]), days=n + 4)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(PAGE)
    assert page.content.decode().count('data-source="grant"') == 12
