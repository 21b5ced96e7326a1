"""Only the member who answered may read a response (for now); the same error otherwise."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from kindred.core.access import NotFound
from kindred.measures.access import access_response, visible_responses
from kindred.measures.actions import do_submit_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def response(member):
    return do_submit_response(member, "gad2", {"q1": 1, "q2": 2}).response


def test_the_owner_can_read_their_response(member, response):
    assert access_response(member, response.pk) == response
    assert list(visible_responses(member)) == [response]


@pytest.mark.parametrize(
    "persona",
    [
        "member2",
        "peer_supporter",
        "facilitator",
        "therapist",
        "therapist2",
        "moderator",
        "staff",
        "anonymous",
    ],
    indirect=True,
)
def test_nobody_else_can_read_it(persona, response):
    user = persona or AnonymousUser()
    with pytest.raises(NotFound) as forbidden:
        access_response(user, response.pk)
    with pytest.raises(NotFound) as missing:
        access_response(user, response.pk + 1000)
    assert str(forbidden.value) == str(missing.value) == "No such response."
    assert not visible_responses(user).exists()


@pytest.mark.parametrize("bad_id", [None, "abc", "1; DROP TABLE"])
def test_a_malformed_id_is_not_found(member, response, bad_id):
    with pytest.raises(NotFound):
        access_response(member, bad_id)
