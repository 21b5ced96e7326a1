"""API errors are JSON with a human detail: never HTML, never a traceback."""

from __future__ import annotations

import pytest
from django.core.exceptions import RequestDataTooBig
from django.test import RequestFactory

from kindred.api.errors import SERVER_ERROR
from kindred.api_v1 import api

TOKENS = "/api/v1/tokens"


@pytest.fixture
def member_client(login, member):
    return login(member)


def post_raw(client, body: bytes | str):
    return client.generic("POST", TOKENS, body, content_type="application/json")


def test_malformed_json_gets_400(member_client):
    response = post_raw(member_client, b'{"name": "x",')
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"].startswith("Cannot parse request body")


def test_wrong_types_get_422_with_a_human_detail(member_client):
    response = member_client.post(
        TOKENS,
        {"name": "x", "scopes": "read", "expires_in_days": "soon"},
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith("Invalid request: body.payload.")
    assert "expires_in_days" in body["detail"]
    assert {tuple(e["loc"])[-1] for e in body["errors"]} == {"scopes", "expires_in_days"}


def test_missing_fields_get_422(member_client):
    response = member_client.post(TOKENS, {}, content_type="application/json")
    assert response.status_code == 422
    assert "Field required" in response.json()["detail"]


def test_unknown_fields_get_422(member_client):
    response = member_client.post(
        TOKENS, {"name": "x", "scopes": ["read"], "owner": 1}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "owner" in response.json()["detail"]


def test_an_oversized_body_gets_413(member_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = post_raw(member_client, '{"name": "' + "x" * 200 + '", "scopes": ["read"]}')
    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is larger than 100 bytes."}


def test_an_unknown_api_path_gets_json_404(member_client):
    response = member_client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_wrong_method_gets_json_405(member_client):
    response = member_client.put("/api/v1/me")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method not allowed."}
    assert "GET" in response["Allow"]


def test_an_unexpected_error_gets_json_500_without_a_traceback(member_client, monkeypatch, caplog):
    def explode(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("kindred.api.routers.me.MeOut", explode)
    with caplog.at_level("ERROR", logger="kindred.api"):
        response = member_client.get("/api/v1/me")
    assert response.status_code == 500
    assert response.json() == {"detail": SERVER_ERROR}
    assert b"Traceback" not in response.content
    assert b"secret internals" not in response.content
    assert "Unhandled error in API GET /api/v1/me" in caplog.text


def test_the_500_handler_stays_json_with_debug_on(settings, rf: RequestFactory):
    settings.DEBUG = True
    request = rf.get("/api/v1/me")
    response = api.on_exception(request, ValueError("boom"))
    assert response.status_code == 500
    assert b"boom" not in response.content


def test_the_413_handler_directly(rf: RequestFactory):
    response = api.on_exception(rf.post("/api/v1/tokens"), RequestDataTooBig("too big"))
    assert response.status_code == 413


# --- NUL characters: PostgreSQL text cannot hold them ---------------------------------


@pytest.fixture
def poster(login, member, space):
    from kindred.community import actions

    actions.do_accept_guidelines(member, space)
    return login(member)


def assert_nul_refused(response, loc):
    assert response.status_code == 422
    body = response.json()
    assert body["errors"] == [
        {
            "type": "string_nul",
            "loc": loc,
            "msg": "Text cannot contain the NUL character (\\u0000).",
        }
    ]
    assert body["detail"].startswith("Invalid request: " + ".".join(map(str, loc)))


def test_a_nul_in_a_json_body_is_422_and_nothing_is_saved(poster, space):
    from kindred.community.models import Thread

    response = poster.post(
        f"/api/v1/spaces/{space.slug}/threads",
        '{"title": "Hello\\u0000", "body": "Some days are harder."}',
        content_type="application/json",
    )
    assert_nul_refused(response, ["body", "title"])
    assert not Thread.objects.exists()


def test_a_nul_in_the_path_or_the_query_is_422(poster, space):
    assert_nul_refused(poster.get("/api/v1/spaces/depress%00ion"), ["path", "slug"])
    assert_nul_refused(
        poster.get(f"/api/v1/spaces/{space.slug}/threads", {"cursor": "a\x00"}),
        ["query", "cursor"],
    )


def test_a_written_backslash_u0000_is_ordinary_text(poster, space):
    from kindred.community.models import Thread

    response = poster.post(
        f"/api/v1/spaces/{space.slug}/threads",
        {"title": "C:\\u0000 is not a path", "body": "Some days are harder."},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Thread.objects.get().title == "C:\\u0000 is not a path"
