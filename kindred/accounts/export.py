"""What the export holds about the account itself (see kindred/core/export.py)."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import LegalAcceptance, User, UserRole
from kindred.core.export import EXPORT_SECTIONS, ExportSection


def export_for(user: User) -> dict[str, Any]:
    account = {
        "id": user.pk,
        "email": user.email,
        "handle": user.handle,
        "legal_name": user.legal_name,
        "country": user.country,
        "timezone": user.timezone,
        "age_band": user.age_band,
        "date_of_birth": user.date_of_birth,
        "email_digest": user.email_digest,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "is_active": user.is_active,
    }
    return {
        "account": account,
        "roles": list(
            UserRole.objects.filter(user=user).order_by("granted_at").values("role", "granted_at")
        ),
        "email_addresses": list(
            EmailAddress.objects.filter(user=user)
            .order_by("pk")
            .values("email", "verified", "primary")
        ),
        "legal_acceptances": list(
            LegalAcceptance.objects.filter(user=user)
            .order_by("accepted_at", "pk")
            .values("document__kind", "document__version", "accepted_at")
        ),
        # The kind of second factor and when it was used, never its secret.
        "second_factors": list(
            Authenticator.objects.filter(user=user)
            .order_by("pk")
            .values("type", "created_at", "last_used_at")
        ),
    }


EXPORT_SECTIONS.register(
    "accounts",
    ExportSection(
        title=_("Your account"),
        export_for=export_for,
        parts={
            "account": _("Account"),
            "roles": _("Roles"),
            "email_addresses": _("Email addresses"),
            "legal_acceptances": _("Terms and privacy notice you accepted"),
            "second_factors": _("Two-factor authentication"),
        },
        covers=(
            "accounts.UserRole.user",
            "accounts.LegalAcceptance.user",
            "account.EmailAddress.user",
            "mfa.Authenticator.user",
        ),
        excluded={
            "admin.LogEntry.user": (
                "What staff changed in the admin site: a record of running the service, "
                "named after the objects changed (other people's accounts); the audit log "
                "keeps the same actions."
            ),
        },
    ),
)
