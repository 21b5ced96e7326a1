"""The terms of use and the privacy notice: the host's text, versioned, accepted at sign-up.

The host publishes a new version from the admin site; a published version is never
edited, because people accepted that exact text. Until the host writes their own,
version 1 of each is the short default below, created the first time it is needed.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from kindred.accounts import audit_names as accounts_audit
from kindred.accounts.models import LegalAcceptance, LegalDocument, LegalKind, User
from kindred.audit.actions import record_event

DEFAULT_BODIES = {
    LegalKind.TERMS: _(
        "## Using Kindred\n\n"
        "Kindred is a community and care platform, **not an emergency service**. If you "
        "are in danger right now, call your local emergency number or use “Get help now”.\n\n"
        "- Be kind. Follow each space's guidelines; moderators may hide posts and "
        "suspend accounts that put others at risk.\n"
        "- Peer supporters share lived experience; they are not clinicians.\n"
        "- Therapists listed here are verified by the host; your therapy is between you "
        "and your therapist.\n"
        "- You may close your account at any time from your data page.\n\n"
        "The host of this site has not published their own terms yet."
    ),
    LegalKind.PRIVACY: _(
        "## Your data\n\n"
        "- Peer spaces show your handle, never your name. Your date of birth, your story "
        "and clinical notes are stored encrypted.\n"
        "- Your therapist sees what you share with them; you choose what a peer supporter "
        "or another therapist may see, and can take it back.\n"
        "- Every read of clinical records is logged. You can download everything held "
        "about you and ask for it to be deleted from your data page.\n"
        "- We do not sell data or show advertising.\n\n"
        "The host of this site has not published their own privacy notice yet."
    ),
}


def current_document(kind: str) -> LegalDocument:
    """The newest version of ``kind``; version 1 from the default text if there is none."""
    document = LegalDocument.objects.filter(kind=kind).order_by("-version").first()
    if document is not None:
        return document
    try:
        with transaction.atomic():
            return LegalDocument.objects.create(
                kind=kind, version=1, body=str(DEFAULT_BODIES[LegalKind(kind)])
            )
    except IntegrityError:  # another request created it first
        return LegalDocument.objects.get(kind=kind, version=1)


def current_documents() -> list[LegalDocument]:
    return [current_document(kind) for kind in LegalKind.values]


def do_publish_legal_document(actor: User, kind: str, body: str) -> LegalDocument:
    """Publish ``body`` as the next version of ``kind``; new sign-ups accept it."""
    if kind not in LegalKind.values:
        raise ValueError(f"Unknown legal document {kind!r}.")
    with transaction.atomic():
        # The unique (kind, version) constraint turns a concurrent publish into an
        # IntegrityError rather than two documents with one version.
        latest = LegalDocument.objects.filter(kind=kind).aggregate(v=Max("version"))["v"] or 0
        document = LegalDocument.objects.create(kind=kind, version=latest + 1, body=body)
        record_event(
            actor=actor,
            event=accounts_audit.ACCOUNT_LEGAL_DOCUMENT_PUBLISHED,
            target=document,
            changes={"kind": kind, "version": document.version},
        )
    return document


def do_accept_legal_documents(user: User, documents: list[LegalDocument]) -> None:
    """Record that ``user`` accepted these versions (again accepting one is a no-op)."""
    for document in documents:
        LegalAcceptance.objects.get_or_create(user=user, document=document)


def accepted_versions(user: User) -> dict[str, Any]:
    """``{"terms": 2, "privacy": 1}``: the newest version of each the person accepted."""
    rows = (
        LegalAcceptance.objects.filter(user=user)
        .values_list("document__kind")
        .annotate(v=Max("document__version"))
    )
    return dict(rows)
