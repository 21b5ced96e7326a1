"""GET /api/v1/me/export and the prepared-file download."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from kindred.api.actions import do_create_token
from kindred.audit.models import AuditEvent
from kindred.rights import audit_names
from kindred.rights.export_access import export_token
from kindred.rights.export_models import DataExport
from tests.rights.export_world import MARKERS, build_world

EXPORT = "/api/v1/me/export"


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"


def bearer_for(user, scopes=("read",)):
    _, plaintext = do_create_token(user, name="script", scopes=scopes)
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def data_json(response) -> dict:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return json.loads(archive.read("kindred-export/data.json"))


def test_anonymous_callers_get_401(client):
    assert client.get(EXPORT).status_code == 401
    assert client.get(f"{EXPORT}/1:abc:def").status_code == 401


def test_the_member_gets_the_zip(client, db):
    world = build_world()
    response = client.get(EXPORT, **bearer_for(world.member))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    sections = data_json(response)["sections"]
    assert MARKERS["clinical"] in json.dumps(sections["clinical"])
    assert AuditEvent.objects.filter(event=audit_names.EXPORTED, actor_id=world.member.pk).exists()


@pytest.mark.parametrize("role", ["therapist", "moderator"])
def test_therapists_and_moderators_get_only_their_own_data(client, db, role):
    world = build_world()
    person = getattr(world, role)
    response = client.get(EXPORT, **bearer_for(person))
    assert response.status_code == 200
    document = data_json(response)
    assert document["handle"] == person.handle
    text = json.dumps(document)
    for marker in (MARKERS["clinical"], MARKERS["messaging"], MARKERS["safety"]):
        assert marker not in text
    assert "support-message-marker" not in text


def test_a_large_account_gets_202_then_a_link_only_it_can_use(
    client, member, member2, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_DIRECT_MAX_ROWS = 0
    headers = bearer_for(member)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(EXPORT, **headers)
    assert first.status_code == 202
    assert first.json()["status"] == "pending"
    ready = client.get(EXPORT, **headers).json()
    assert ready["status"] == "ready" and ready["expires_at"]
    url = ready["download_url"]
    export = DataExport.objects.get()
    assert url.endswith(f"{EXPORT}/{export_token(export)}")

    assert client.get(url, **bearer_for(member2)).status_code == 404
    response = client.get(url, **headers)
    assert response.status_code == 200
    assert data_json(response)["handle"] == member.handle
    assert AuditEvent.objects.filter(event=audit_names.EXPORT_DOWNLOADED).count() == 1


def test_a_forged_token_is_404(client, member):
    response = client.get(f"{EXPORT}/1:abc:def", **bearer_for(member))
    assert response.status_code == 404
    assert response.json()["detail"]


def test_too_many_exports_get_429(client, member, rate_limits):
    rate_limits({"rights.export": "1/h/user"})
    headers = bearer_for(member)
    assert client.get(EXPORT, **headers).status_code == 200
    response = client.get(EXPORT, **headers)
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0


def test_the_schema_documents_the_zip_and_the_202(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"][EXPORT]["get"]
    assert "application/zip" in operation["responses"]["200"]["content"]
    assert "202" in operation["responses"]
    download = schema["paths"][EXPORT + "/{token}"]["get"]
    assert "application/zip" in download["responses"]["200"]["content"]
    assert "404" in download["responses"]
