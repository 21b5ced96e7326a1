"""The export's part about sharing, referrals and who looked (see kindred/core/export.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import User
from kindred.care.models import Referral
from kindred.consent.accesslog import access_log_for
from kindred.consent.models import ConsentGrant, DefaultAccessOptOut
from kindred.core.export import EXPORT_SECTIONS, ExportSection, handle_of


def _grant(grant: ConsentGrant, other: User) -> dict[str, Any]:
    return {
        "with": handle_of(other),
        "scope": grant.scope,
        "what": str(grant.get_scope_display()),
        "created_at": grant.created_at,
        "expires_at": grant.expires_at,
        "revoked_at": grant.revoked_at,
        "active": grant.is_active(),
    }


def export_for(user: User) -> dict[str, Any]:
    given = ConsentGrant.objects.filter(member=user).select_related("grantee")
    received = ConsentGrant.objects.filter(grantee=user).select_related("member")
    return {
        "grants_given": [_grant(g, g.grantee) for g in given.order_by("created_at", "pk")],
        # That someone shared with you, and what; what they shared stays theirs.
        "grants_received": [_grant(g, g.member) for g in received.order_by("created_at", "pk")],
        "referrals_received": [
            {
                "from": handle_of(r.author),
                "kind": r.kind,
                "title": r.title,
                "url": r.url,
                "note": r.note,
                "status": r.status,
                "created_at": r.created_at,
                "responded_at": r.responded_at,
            }
            for r in Referral.objects.filter(member=user)
            .select_related("author")
            .order_by("created_at", "pk")
        ],
        "referrals_made": list(
            Referral.objects.filter(author=user)
            .order_by("created_at", "pk")
            .values("kind", "title", "status", "created_at")
        ),
        "default_access_switched_off": list(
            DefaultAccessOptOut.objects.filter(member=user)
            .order_by("key")
            .values("key", "created_at")
        ),
        "access_log": [
            {"at": e.at, "who": e.who, "action": e.action, "what": e.what, "role": e.role}
            for e in access_log_for(user)
        ],
    }


EXPORT_SECTIONS.register(
    "care",
    ExportSection(
        title=_("Sharing and your care"),
        export_for=export_for,
        parts={
            "grants_given": _("What you share, with whom"),
            "grants_received": _("What others share with you"),
            "referrals_received": _("Suggestions from your carers"),
            "referrals_made": _("Suggestions you made"),
            "default_access_switched_off": _("Default access you switched off"),
            "access_log": _("Who looked at what, and when"),
        },
        covers=(
            "consent.ConsentGrant.member",
            "consent.ConsentGrant.grantee",
            "care.Referral.member",
            "care.Referral.author",
            "consent.DefaultAccessOptOut.member",
        ),
    ),
)
