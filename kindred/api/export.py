"""The export's part about API tokens (see kindred/core/export.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import User
from kindred.api.models import ApiToken
from kindred.core.export import EXPORT_SECTIONS, ExportSection


def export_for(user: User) -> dict[str, Any]:
    # The public prefix to recognise a token; only a hash of the secret is kept anyway.
    return {
        "api_tokens": [
            {
                "name": token.name,
                "prefix": token.display_prefix,
                "scopes": token.scopes,
                "created_at": token.created_at,
                "last_used_at": token.last_used_at,
                "expires_at": token.expires_at,
                "revoked_at": token.revoked_at,
            }
            for token in ApiToken.objects.filter(user=user).order_by("created_at", "pk")
        ]
    }


EXPORT_SECTIONS.register(
    "api",
    ExportSection(
        title=_("API tokens"),
        export_for=export_for,
        parts={"api_tokens": _("API tokens")},
        covers=("api.ApiToken.user",),
    ),
)
