"""The account page's export: the button, the page, the link."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.rights import audit_names
from kindred.rights.export_access import export_token
from kindred.rights.export_models import DataExport

EXPORT = reverse("rights:export")


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.EXPORT_DIR = tmp_path / "exports"


@pytest.fixture
def ready_export(member, settings, django_capture_on_commit_callbacks):
    """``member``'s large-account export, built by the task."""
    from kindred.rights.export_actions import do_request_export

    settings.EXPORT_DIRECT_MAX_ROWS = 0
    with django_capture_on_commit_callbacks(execute=True):
        export = do_request_export(member).export
    export.refresh_from_db()
    return export


def link(export):
    return reverse("rights:export_download", args=[export_token(export)])


def test_the_account_page_has_the_button(login, member):
    page = login(member).get(reverse("profile")).content.decode()
    assert f'action="{EXPORT}"' in page
    assert "Download my data" in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in(client, method):
    response = getattr(client, method)(EXPORT)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "persona", ["member", "therapist", "moderator", "facilitator", "staff"], indirect=True
)
def test_everyone_downloads_their_own_data(login, persona):
    response = login(persona).post(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        data = archive.read("kindred-export/data.json").decode()
    assert persona.handle in data
    assert AuditEvent.objects.filter(event=audit_names.EXPORTED, actor_id=persona.pk).exists()


def test_the_page_shows_a_large_export_and_its_link(
    login, member, ready_export, django_assert_max_num_queries
):
    client = login(member)
    with django_assert_max_num_queries(12):
        page = client.get(EXPORT).content.decode()
    assert link(ready_export) in page
    # Asking again while one is ready leads back to it, building nothing.
    response = client.post(EXPORT)
    assert response.status_code == 302
    assert DataExport.objects.count() == 1


def test_the_owner_downloads_the_file_by_the_link(login, member, ready_export):
    response = login(member).get(link(ready_export))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"PK")
    assert AuditEvent.objects.filter(event=audit_names.EXPORT_DOWNLOADED).count() == 1


@pytest.mark.parametrize("persona", ["member2", "therapist", "moderator", "staff"], indirect=True)
def test_nobody_else_can_use_the_link(login, ready_export, persona):
    assert login(persona).get(link(ready_export)).status_code == 404


def test_anonymous_visitors_cannot_use_the_link(client, ready_export):
    response = client.get(link(ready_export))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_expired_or_forged_link_is_404(login, member, ready_export, settings):
    client = login(member)
    assert client.get(reverse("rights:export_download", args=["1:forged:sig"])).status_code == 404
    settings.EXPORT_LINK_HOURS = 0  # the signature is now older than the lifetime
    assert client.get(link(ready_export)).status_code == 404


def test_too_many_exports_get_429_with_the_page(login, member, rate_limits):
    rate_limits({"rights.export": "1/h/user"})
    client = login(member)
    assert client.post(EXPORT).status_code == 200
    response = client.post(EXPORT)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "too often" in response.content.decode()


def test_a_failed_export_is_explained_and_can_be_asked_again(login, member):
    DataExport.objects.create(user=member, status="failed")
    page = login(member).get(EXPORT).content.decode()
    assert "could not be prepared" in page
    assert f'action="{EXPORT}"' in page
