from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.http import HttpRequest

if TYPE_CHECKING:
    from kindred.accounts.models import User


def move_to_adult_on_login(
    sender: type[User], request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    """Signing in is when a teen who turned 18 is most likely to look: move them now."""
    from kindred.accounts.actions import do_move_to_adult

    do_move_to_adult(user, request=request)


class AccountsConfig(AppConfig):
    name = "kindred.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        # The receivers that remember where each account signs in from.
        from allauth.mfa.models import Authenticator
        from django.contrib.auth.signals import user_logged_in

        from kindred.accounts import adapter  # noqa: F401
        from kindred.core.rotation import CIPHERTEXTS_IN_JSON, CiphertextsInJSON

        # allauth encrypts these through MFAAdapter.encrypt: `kindred rotate_keys` must
        # re-encrypt them with the rest, or dropping an old key locks people out.
        CIPHERTEXTS_IN_JSON.register(
            "mfa.Authenticator.data",
            CiphertextsInJSON(Authenticator, "data", ("secret", "seed", "migrated_codes")),
        )

        user_logged_in.connect(move_to_adult_on_login, dispatch_uid="accounts.move_to_adult")

        # allauth's limits fail open when the cache fails, as ours do (kindred.core.failopen).
        from allauth.core.internal import ratelimit as allauth_ratelimit

        from kindred.core.failopen import FailOpenCache

        if not isinstance(allauth_ratelimit.cache, FailOpenCache):
            allauth_ratelimit.cache = FailOpenCache(allauth_ratelimit.cache)
