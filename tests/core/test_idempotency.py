"""Idempotency keys: a retried thread, reply or report stores nothing twice.

(The peer-connection report's own test is in tests/peers/test_api.py.)"""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kindred.community import actions
from kindred.community import api as community_api
from kindred.community.models import Post, Space, Thread
from kindred.core import idempotency
from kindred.core.models import IdempotencyKey
from kindred.safety.models import FlagReport

API = "/api/v1"


def post_json(client, url, body, key=None):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(url, body, content_type="application/json", **extra)


@pytest.fixture
def thread(db, member, member2, space, write):
    actions.do_accept_guidelines(member2, space)
    return write(member, space)


def reply(client, thread, body="Same here", key="k-1"):
    return post_json(client, f"{API}/threads/{thread.pk}/posts", {"body": body}, key)


# --- API ------------------------------------------------------------------------------


def test_a_retried_reply_is_stored_once_and_answered_the_same(login, member2, thread):
    client = login(member2)
    first = reply(client, thread)
    second = reply(client, thread)
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Post.objects.filter(thread=thread, author=member2).count() == 1


def test_without_a_key_each_request_creates(login, member2, thread):
    client = login(member2)
    reply(client, thread, key=None)
    reply(client, thread, key=None)
    assert Post.objects.filter(thread=thread, author=member2).count() == 2


def test_a_retry_after_an_error_following_the_write_stores_nothing_twice(
    login, member2, thread, monkeypatch
):
    # The write is stored, then answering fails (as the page-cache error did in #19).
    client = login(member2)
    client.raise_request_exception = False
    real = community_api.describe_written
    calls = []

    def fail_once(request, written):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("answer lost")
        return real(request, written)

    monkeypatch.setattr(community_api, "describe_written", fail_once)
    assert reply(client, thread).status_code == 500
    retry = reply(client, thread)
    assert retry.status_code == 201
    assert Post.objects.filter(thread=thread, author=member2).count() == 1
    assert retry.json()["body"] == "Same here"


def test_the_same_key_with_another_request_is_422(login, member2, thread):
    client = login(member2)
    reply(client, thread)
    response = reply(client, thread, body="Something else")
    assert response.status_code == 422
    assert "different request" in response.json()["detail"]
    assert Post.objects.filter(thread=thread, author=member2).count() == 1


@pytest.mark.parametrize("key", ["x" * 101, "has space", "naïve"])
def test_a_malformed_key_is_422(login, member2, thread, key):
    response = reply(login(member2), thread, key=key)
    assert response.status_code == 422
    assert not Post.objects.filter(author=member2).exists()


def test_keys_are_per_account(login, member, member2, thread):
    reply(login(member2), thread)
    reply(login(member), thread)
    assert Post.objects.filter(thread=thread, body="Same here").count() == 2


def test_a_retried_thread_is_started_once(login, member2, space):
    actions.do_accept_guidelines(member2, space)
    client = login(member2)
    body = {"title": "Hello all", "body": "First time here"}
    url = f"{API}/spaces/{space.slug}/threads"
    first = post_json(client, url, body, "t-1")
    second = post_json(client, url, body, "t-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Thread.objects.filter(title="Hello all").count() == 1


def test_a_retried_reply_does_not_count_against_the_rate_limit(login, member2, thread, rate_limits):
    rate_limits({"community.reply": "1/m/user"})
    client = login(member2)
    assert reply(client, thread).status_code == 201
    assert reply(client, thread).status_code == 201  # the replay, not a second reply
    assert reply(client, thread, body="another", key="k-2").status_code == 429


def test_a_retried_report_is_stored_once(login, member, member2, thread):
    client = login(member2)
    url = f"{API}/posts/{thread.posts.get().pk}/reports"
    body = {"reason": "spam", "details": "Adverts"}
    assert post_json(client, url, body, "r-1").status_code == 201
    assert post_json(client, url, body, "r-1").status_code == 201
    assert FlagReport.objects.filter(reporter=member2).count() == 1


def test_the_header_is_documented_on_the_three_operations(client, db):
    schema = client.get(f"{API}/openapi.json").json()
    documented = {
        (path, method)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", []))
    }
    assert documented == {
        ("/api/v1/spaces/{slug}/threads", "post"),
        ("/api/v1/threads/{thread_id}/posts", "post"),
        ("/api/v1/posts/{post_id}/reports", "post"),
        ("/api/v1/peers/connections/{connection_id}/report", "post"),
    }
    assert "Idempotency-Key" in schema["info"]["description"]


# --- Web forms ------------------------------------------------------------------------


def form_key(html: str) -> str:
    return re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html)[1]


def test_each_render_of_the_reply_form_has_a_new_key(client, member2, thread):
    client.force_login(member2)
    url = reverse("community_thread", args=[thread.space.slug, thread.pk])
    assert form_key(client.get(url).content.decode()) != form_key(client.get(url).content.decode())


def test_a_resubmitted_reply_form_stores_once(client, member2, thread):
    client.force_login(member2)
    url = reverse("community_thread", args=[thread.space.slug, thread.pk])
    key = form_key(client.get(url).content.decode())
    data = {"body": "From the page", "content_warning": "", "idempotency_key": key}
    action = reverse("community_reply", args=[thread.space.slug, thread.pk])
    first = client.post(action, data)
    second = client.post(action, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Post.objects.filter(author=member2, body="From the page").count() == 1


def test_a_resubmitted_new_thread_form_stores_once(client, member2, space):
    actions.do_accept_guidelines(member2, space)
    client.force_login(member2)
    url = reverse("community_new_thread", args=[space.slug])
    key = form_key(client.get(url).content.decode())
    data = {
        "title": "From the page",
        "body": "Hello",
        "content_warning": "",
        "idempotency_key": key,
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Thread.objects.filter(title="From the page").count() == 1


def test_a_resubmitted_report_form_stores_once(client, member, member2):
    client.force_login(member2)
    url = reverse("safety_report")
    key = form_key(client.get(url).content.decode())
    data = {"reason": "spam", "details": "", "handle": member.handle, "idempotency_key": key}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert FlagReport.objects.filter(reporter=member2).count() == 1


# --- Expiry ---------------------------------------------------------------------------


def test_keys_expire_after_a_day(login, member2, thread):
    from kindred.core.tasks import delete_expired_idempotency_keys

    client = login(member2)
    reply(client, thread)
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    # Expired: the same key is free again (a new reply), and the sweep removes old keys.
    assert reply(client, thread).status_code == 201
    assert Post.objects.filter(author=member2).count() == 2
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert delete_expired_idempotency_keys.call_local() == 1
    assert not IdempotencyKey.objects.exists()


# --- Concurrency ----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_identical_requests_at_once_store_one_reply(member, member2, write):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's in-memory test database is not shared by threads")
    # Its own space: an earlier transactional test may have flushed the seeded ones.
    space = Space.objects.create(slug="race", name="Race", description="", guidelines="Be kind.")
    actions.do_accept_guidelines(member2, space)
    thread = write(member, space)
    barrier = threading.Barrier(2)
    answers: list[tuple[int, int]] = []
    lock = threading.Lock()

    def send():
        try:
            client = Client()
            client.force_login(member2)
            barrier.wait(timeout=30)
            response = reply(client, thread, key="same-key")
            with lock:
                answers.append((response.status_code, response.json().get("id")))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=send) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert len(answers) == 2
    assert {status for status, _ in answers} == {201}
    assert len({post_id for _, post_id in answers}) == 1
    assert Post.objects.filter(thread=thread, author=member2).count() == 1


def test_clean_key_accepts_printable_ascii_only():
    assert idempotency.clean_key(None) is None
    assert idempotency.clean_key("") is None
    assert idempotency.clean_key("abc-123_X") == "abc-123_X"
    with pytest.raises(idempotency.InvalidKey):
        idempotency.clean_key("\x00")
