from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kindred.accounts.access import mfa_roles
from kindred.core.crypto import decrypt_text, encrypt_text


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request: HttpRequest, user: Any) -> None:
        # No usernames: people log in by email and are shown by handle.
        return None


class MFAAdapter(DefaultMFAAdapter):
    """TOTP secrets are encrypted at rest like clinical content.

    An account that holds a role needing a second factor cannot switch its TOTP
    off: allauth's deactivation form asks :meth:`can_delete_authenticator` and
    shows ``cannot_delete_authenticator`` when it says no.
    """

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Your role gives access to sensitive information, so two-factor "
            "authentication stays on while you hold it. Ask the team to change your "
            "role first if you need to switch it off."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # TOTP is the only factor we support (recovery codes only stand in for it),
        # so removing it would leave the account without a second factor.
        if authenticator.type == Authenticator.Type.TOTP and mfa_roles(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)

    def encrypt(self, text: str) -> str:
        return encrypt_text(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_text(encrypted_text)
