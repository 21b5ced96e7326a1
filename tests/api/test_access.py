"""access_token: your own token, or the same NotFound for missing and not-yours."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from kindred.api.access import access_token
from kindred.core.access import NotFound
from tests.conftest import PERSONAS


def test_the_owner_gets_their_token(member, make_token):
    token, _ = make_token(member)
    assert access_token(member, token.pk) == token
    assert access_token(member, token.pk, write=True) == token


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "member"], indirect=True)
def test_nobody_else_gets_it_not_even_staff(member, make_token, persona):
    token, _ = make_token(member)
    with pytest.raises(NotFound) as theirs:
        access_token(persona, token.pk)
    with pytest.raises(NotFound) as missing:
        access_token(persona, 999_999)
    assert str(theirs.value) == str(missing.value) == "No such token."


def test_anonymous_gets_not_found(member, make_token):
    token, _ = make_token(member)
    with pytest.raises(NotFound):
        access_token(AnonymousUser(), token.pk)
