"""Text the database cannot store (NUL, lone surrogates) and dates outside any real
calendar get a 422 naming the field, never a 500, on every input schema."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from kindred.bookings.models import Booking
from kindred.community.models import Post, Thread
from kindred.safety.models import Flag
from tests.therapy.test_api import listed  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

API = "/api/v1"
NUL = "a\x00b"
SURROGATE = "a\ud800b"


def post_json(client, url, body):
    return client.post(url, body, content_type="application/json")


def assert_refused(response, field):
    assert response.status_code == 422, response.content
    body = response.json()
    assert field in body["detail"], body
    assert any(field in error["loc"] for error in body["errors"]), body


@pytest.fixture
def thread(member, space, write):
    return write(member, space)


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
@pytest.mark.parametrize("field", ["title", "body", "content_warning"])
def test_a_new_thread_with_unstorable_text_is_refused(login, member, space, field, bad):
    from kindred.community import actions

    actions.do_accept_guidelines(member, space)
    body = {"title": "Hello", "body": "A long week.", "content_warning": "", field: bad}
    response = post_json(login(member), f"{API}/spaces/{space.slug}/threads", body)
    assert_refused(response, field)
    assert not Thread.objects.exists()


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
@pytest.mark.parametrize("field", ["body", "content_warning"])
def test_a_reply_with_unstorable_text_is_refused(login, member2, thread, field, bad):
    from kindred.community import actions

    actions.do_accept_guidelines(member2, thread.space)
    body = {"body": "Same here.", field: bad}
    response = post_json(login(member2), f"{API}/threads/{thread.pk}/posts", body)
    assert_refused(response, field)
    assert Post.objects.count() == 1


def test_an_edit_with_a_nul_is_refused(login, member, thread):
    opening = thread.posts.get(is_opening=True)
    response = login(member).patch(
        f"{API}/posts/{opening.pk}", {"title": NUL}, content_type="application/json"
    )
    assert_refused(response, "title")
    thread.refresh_from_db()
    assert thread.title == "Finding my feet"


@pytest.mark.parametrize("bad", [NUL, SURROGATE])
def test_a_report_with_unstorable_details_is_refused(login, member2, thread, bad):
    opening = thread.posts.get(is_opening=True)
    response = post_json(
        login(member2), f"{API}/posts/{opening.pk}/reports", {"reason": "spam", "details": bad}
    )
    assert_refused(response, "details")
    assert not Flag.objects.exists()


def test_a_nul_in_a_query_parameter_is_refused(login, member, space):
    response = login(member).get(f"{API}/spaces/{space.slug}/threads", {"cursor": NUL})
    assert_refused(response, "cursor")


def test_a_nul_in_a_path_is_refused(login, member):
    assert_refused(login(member).get(f"{API}/spaces/a%00b"), "slug")


@pytest.mark.parametrize(
    "starts_at", ["9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-14:00", "1999-12-31T00:00Z"]
)
def test_a_booking_far_from_now_is_refused(login, member, listed, starts_at):  # noqa: F811
    body = {"therapist_profile_id": listed.pk, "starts_at": starts_at}
    response = post_json(login(member), f"{API}/bookings", body)
    assert_refused(response, "starts_at")
    assert not Booking.objects.exists()


def _operation_fields():
    from django.urls import get_resolver

    from kindred.api_v1 import api

    get_resolver().url_patterns  # noqa: B018  (mounting the API builds its routers)
    for _, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for model in operation.models:
                    for name, field in model.model_fields.items():
                        yield f"{operation.methods} {path} {name}", field


def test_every_input_refuses_unstorable_text():
    """A new schema gets the check by inheriting ``InputSchema``; a text path
    parameter by being ``PathText``. Anything else taking text fails here."""
    from kindred.core.inputs import RefusesUnstorableText, refuse_unstorable

    unchecked = []
    for where, field in _operation_fields():
        annotation = field.annotation
        is_model = isinstance(annotation, type) and issubclass(annotation, BaseModel)
        if is_model and not issubclass(annotation, RefusesUnstorableText):
            unchecked.append(where)
        checked = any(getattr(m, "func", None) is refuse_unstorable for m in field.metadata)
        if annotation is str and not checked:
            unchecked.append(where)
    assert unchecked == []


def test_the_guide_refuses_unstorable_text(login, member):
    response = post_json(
        login(member),
        f"{API}/guide/evaluate",
        {"safety_thoughts": "no", "safety_intent": "no", "safety_danger": "no", "language": "\x00"},
    )
    assert_refused(response, "language")
