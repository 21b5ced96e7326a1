"""What the API app does when something happens to an account."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from kindred.accounts.models import User
from kindred.accounts.signals import password_changed
from kindred.api.actions import do_revoke_all_tokens


@receiver(password_changed, dispatch_uid="api.revoke_tokens_on_password_change")
def revoke_tokens_on_password_change(sender: type[User], user: User, **kwargs: Any) -> None:
    do_revoke_all_tokens(user, reason="password_changed")
