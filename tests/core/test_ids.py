"""Ids too large for the database answer 404 (or a clear 422 in a body), never 500.

SQLite and PostgreSQL store ids as signed 64-bit integers; a larger number in a URL
used to reach the database and fail there.
"""

from __future__ import annotations

import pytest

from kindred.api.actions import do_create_token
from kindred.bookings.forms import BookForm
from kindred.core.ids import MAX_ID, parse_id
from kindred.groups.forms import ParticipantActionForm, SessionChoiceForm
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

HUGE = [2**63, 10**30]


@pytest.mark.parametrize("huge", HUGE)
@pytest.mark.parametrize(
    "path",
    [
        "/my/care/shared/{id}/",
        "/my/care/suggest/{id}/",
        "/therapist/clients/{id}/",
        "/bookings/therapists/{id}/",
        "/spaces/posts/{id}/history/",
    ],
)
@pytest.mark.parametrize("persona", ["member", "peer_supporter", "therapist"], indirect=True)
def test_html_pages_answer_404(login, persona, path, huge):
    client = login(persona)
    client.raise_request_exception = False
    assert client.get(path.format(id=huge)).status_code == 404


@pytest.mark.parametrize("huge", HUGE)
def test_html_forms_posting_to_a_huge_id_answer_404(login, peer_supporter, huge):
    client = login(peer_supporter)
    client.raise_request_exception = False
    assert client.post(f"/peers/suggestions/{huge}/hide/").status_code == 404


@pytest.mark.parametrize("huge", HUGE)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/care/shared/{id}"),
        ("post", "/api/v1/peers/suggestions/{id}/hide"),
        ("post", "/api/v1/care/grants/{id}/revoke"),
        ("get", "/api/v1/plans/{id}"),
        ("delete", "/api/v1/tokens/{id}"),
    ],
)
def test_api_endpoints_answer_404(client, peer_supporter, method, path, huge):
    _, plaintext = do_create_token(peer_supporter, name="script", scopes=("write",))
    client.raise_request_exception = False
    response = getattr(client, method)(path.format(id=huge), **bearer(plaintext))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("huge", HUGE)
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/care/grants", {"grantee_id": "{id}", "scope": "measure_trends"}),
        ("/api/v1/peers/requests", {"user_id": "{id}"}),
        ("/api/v1/bookings", {"therapist_user_id": "{id}", "starts_at": "2030-01-01T10:00Z"}),
    ],
)
def test_api_bodies_with_a_huge_id_answer_422(client, member, path, body, huge):
    _, plaintext = do_create_token(member, name="script", scopes=("write",))
    client.raise_request_exception = False
    payload = {k: (huge if v == "{id}" else v) for k, v in body.items()}
    response = client.post(path, payload, content_type="application/json", **bearer(plaintext))
    assert response.status_code == 422
    assert "less than or equal to" in response.json()["detail"]


def test_the_largest_stored_id_still_reaches_the_view(login, member):
    # 2**63 - 1 fits: the view runs and answers its own "no such member".
    response = login(member).get(f"/api/v1/care/shared/{MAX_ID}")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such member."}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1, 1),
        ("42", 42),
        (MAX_ID, MAX_ID),
        (MAX_ID + 1, None),
        ("9" * 30, None),
        ("x", None),
        (None, None),
        (-1, None),
        (0, None),
    ],
)
def test_parse_id(value, expected):
    assert parse_id(value) == expected


@pytest.mark.parametrize("huge", HUGE)
def test_forms_refuse_a_huge_id_as_a_form_error(huge):
    for form in (
        ParticipantActionForm({"user": str(huge)}),
        SessionChoiceForm({"session": str(huge)}),
        BookForm({"reschedule": str(huge)}),
    ):
        assert not form.is_valid()
        assert set(form.errors) & {"user", "session", "reschedule"}


def test_forms_accept_the_largest_id():
    form = SessionChoiceForm({"session": str(MAX_ID)})
    assert form.is_valid()
    assert form.cleaned_data["session"] == MAX_ID
