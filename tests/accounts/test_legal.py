"""Terms of use and privacy notice: host-edited, versioned, accepted at sign-up."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kindred.accounts.legal import (
    accepted_versions,
    current_document,
    current_documents,
    do_accept_legal_documents,
    do_publish_legal_document,
)
from kindred.accounts.models import LegalAcceptance, LegalDocument, LegalKind, User
from kindred.audit.models import AuditEvent
from tests.conftest import PERSONAS

SIGNUP = {
    "email": "new.person@example.test",
    "handle": "gentle_fern",
    "password1": "a-long-and-unusual-pass",
    "password2": "a-long-and-unusual-pass",
    "date_of_birth": "1995-03-14",
}


@pytest.mark.django_db
def test_version_one_is_the_default_text_until_the_host_publishes() -> None:
    terms = current_document(LegalKind.TERMS)
    assert terms.version == 1 and "not an emergency service" in terms.body
    assert current_document(LegalKind.TERMS).pk == terms.pk  # created once


@pytest.mark.django_db
def test_publishing_makes_a_new_audited_version(staff) -> None:
    first = current_document(LegalKind.PRIVACY)
    second = do_publish_legal_document(staff, LegalKind.PRIVACY, "## New notice")
    assert second.version == first.version + 1
    assert current_document(LegalKind.PRIVACY) == second
    first.refresh_from_db()
    assert first.body != "## New notice"  # the accepted text is kept as it was
    event = AuditEvent.objects.get(event="account.legal_document_published")
    assert event.changes == {"kind": "privacy", "version": 2}


@pytest.mark.django_db
def test_an_unknown_kind_cannot_be_published(staff) -> None:
    with pytest.raises(ValueError, match="Unknown"):
        do_publish_legal_document(staff, "cookies", "text")


@pytest.mark.django_db
def test_accepting_twice_records_once_and_reports_the_newest(member, staff) -> None:
    do_accept_legal_documents(member, current_documents())
    do_accept_legal_documents(member, current_documents())
    assert LegalAcceptance.objects.filter(user=member).count() == 2
    newer = do_publish_legal_document(staff, LegalKind.TERMS, "v2")
    do_accept_legal_documents(member, [newer])
    assert accepted_versions(member) == {"terms": 2, "privacy": 1}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anonymous", *PERSONAS], indirect=True)
@pytest.mark.parametrize("url", ["/terms/", "/privacy/"])
def test_anyone_can_read_the_current_documents(login, persona, url) -> None:
    response = login(persona).get(url)
    assert response.status_code == 200
    assert "Version 1, published" in response.content.decode()


@pytest.mark.django_db
def test_the_page_renders_markdown_safely_and_says_what_you_accepted(login, member, staff) -> None:
    do_accept_legal_documents(member, [current_document(LegalKind.TERMS)])
    do_publish_legal_document(staff, LegalKind.TERMS, "**Be kind.** <script>x()</script>")
    html = login(member).get("/terms/").content.decode()
    assert "<strong>Be kind.</strong>" in html and "<script>x()" not in html
    assert "Version 2" in html and "You accepted version 1." in html


@pytest.mark.django_db
def test_every_page_links_both_documents_in_the_footer(client) -> None:
    html = client.get(reverse("account_login")).content.decode()
    assert 'href="/terms/"' in html and 'href="/privacy/"' in html


@pytest.mark.django_db
def test_sign_up_needs_the_box_ticked(client) -> None:
    page = client.get(reverse("account_signup")).content.decode()
    assert 'name="accept_terms"' in page and '<a href="/privacy/">privacy notice</a>' in page
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 200
    assert "please read and accept the terms of use" in response.content.decode()
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


@pytest.mark.django_db
def test_sign_up_records_the_versions_accepted(client, staff) -> None:
    current_documents()  # version 1 of each, the defaults
    do_publish_legal_document(staff, LegalKind.TERMS, "Terms, second edition")
    response = client.post(reverse("account_signup"), {**SIGNUP, "accept_terms": "on"})
    assert response.status_code == 302
    user = User.objects.get(email=SIGNUP["email"])
    assert accepted_versions(user) == {"terms": 2, "privacy": 1}
    signup = AuditEvent.objects.get(event="account.signup", actor_id=user.pk)
    assert signup.changes["terms_version"] == 2 and signup.changes["privacy_version"] == 1


@pytest.mark.django_db
def test_the_host_publishes_a_new_version_in_the_admin_site(login, staff) -> None:
    client = login(staff)
    add = client.get("/admin/accounts/legaldocument/add/?kind=privacy").content.decode()
    assert "not sell data" in add  # starts from the current text
    response = client.post(
        "/admin/accounts/legaldocument/add/", {"kind": "privacy", "body": "## Ours now"}
    )
    assert response.status_code == 302
    assert current_document(LegalKind.PRIVACY).body == "## Ours now"
    assert current_document(LegalKind.PRIVACY).version == 2
    first = LegalDocument.objects.get(kind="privacy", version=1)
    client.post(f"/admin/accounts/legaldocument/{first.pk}/change/", {"body": "rewritten"})
    first.refresh_from_db()
    assert first.body != "rewritten"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anonymous", "member", "moderator"], indirect=True)
def test_only_staff_reach_the_legal_admin(login, persona) -> None:
    response = login(persona).get("/admin/accounts/legaldocument/add/")
    assert response.status_code in (302, 404)
    assert LegalDocument.objects.count() == 0
