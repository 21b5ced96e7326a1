"""The OpenAPI document and the Swagger page."""

from __future__ import annotations

import re

import pytest

from kindred.api.docs import ASSETS


@pytest.fixture
def schema(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_it_lists_the_endpoints(schema):
    paths = schema["paths"]
    assert set(paths["/api/v1/tokens"]) == {"get", "post"}
    assert set(paths["/api/v1/tokens/{token_id}"]) == {"delete"}
    assert set(paths["/api/v1/me"]) == {"get"}
    assert set(paths["/api/v1/crisis-resources"]) == {"get"}
    assert not any("docs/assets" in p for p in paths)


def test_it_declares_the_bearer_and_session_schemes(schema):
    schemes = schema["components"]["securitySchemes"]
    assert schemes["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert schemes["BrowserSessionAuth"]["in"] == "cookie"
    assert {"TokenAuth": []} in schema["paths"]["/api/v1/me"]["get"]["security"]


def test_crisis_resources_need_no_auth(schema):
    assert "security" not in schema["paths"]["/api/v1/crisis-resources"]["get"]


def test_the_docs_page_works_under_the_strict_csp(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "http" not in csp
    # No third-party origin and no inline script (a JSON data block is not a script).
    assert "https://" not in html and "//cdn" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag
    assert '<script id="swagger-settings" type="application/json">' in html
    assert "/api/v1/openapi.json" in html


@pytest.mark.parametrize("name", sorted(ASSETS))
def test_the_docs_assets_come_from_our_origin(client, db, name):
    response = client.get(f"/api/v1/docs/assets/{name}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)


@pytest.mark.parametrize("name", ["..%2F..%2Fsettings.py", "redoc.standalone.js", "x"])
def test_only_the_listed_assets_are_served(client, db, name):
    response = client.get(f"/api/v1/docs/assets/{name}")
    assert response.status_code == 404
