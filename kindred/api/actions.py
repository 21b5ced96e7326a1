"""API token operations shared by the token page, the API and tests."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from kindred.accounts.access import check_mfa
from kindred.accounts.models import User
from kindred.api import audit_names as api_audit
from kindred.api.credentials import format_token
from kindred.api.models import ApiToken, Scope
from kindred.audit.actions import record_event
from kindred.core.secrets import hash_secret, new_public_id, new_secret


def max_age_days() -> int:
    """The longest a token may live, and its life when no expiry is chosen."""
    return int(settings.API_TOKEN_MAX_AGE_DAYS)


def check_create_token(user: User | AnonymousUser) -> None:
    """Raise unless ``user`` may create a token now.

    An account whose role needs a second factor must have one first: a token is
    a credential that skips the login, and so the second factor, for good.
    """
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Log in to create a token.")
    check_mfa(user)


def clean_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = sorted(set(scopes))
    unknown = [s for s in chosen if s not in Scope.values]
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(unknown)}")
    if not chosen:
        raise ValueError("choose at least one scope")
    return chosen


def do_create_token(
    user: User,
    *,
    name: str,
    scopes: Iterable[str],
    expires_in_days: int | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its plaintext, which is never stored.

    The caller shows the plaintext once; afterwards nobody can recover it. Without
    ``expires_in_days`` the token lives the longest allowed (``max_age_days()``).
    """
    check_create_token(user)
    chosen = clean_scopes(scopes)
    longest = max_age_days()
    if expires_in_days is None:
        expires_in_days = longest
    if not 1 <= expires_in_days <= longest:
        raise ValueError(f"expiry must be between 1 and {longest} days")
    now = timezone.now()
    secret = new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip(),
            public_id=new_public_id(),
            secret_hash=hash_secret(secret),
            scopes=chosen,
            created_at=now,
            expires_at=now + timedelta(days=expires_in_days),
        )
        # The public id identifies the token in the log; the secret never appears.
        record_event(
            actor=user,
            event=api_audit.TOKEN_CREATED,
            target=token,
            changes={
                "name": token.name,
                "public_id": token.public_id,
                "scopes": chosen,
                "expires_at": token.expires_at.isoformat(),
            },
            request=request,
        )
    return token, format_token(token.public_id, secret)


def do_revoke_token(actor: User, token: ApiToken, *, request: HttpRequest | None = None) -> bool:
    """Revoke ``token`` (caller checked access). False when it already was."""
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            token.revoked_at = locked.revoked_at
            return False
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
        record_event(
            actor=actor,
            event=api_audit.TOKEN_REVOKED,
            target=locked,
            changes={"public_id": locked.public_id},
            request=request,
        )
    token.revoked_at = locked.revoked_at
    return True


def do_revoke_all_tokens(user: User, *, reason: str) -> int:
    """Revoke every token of ``user`` that still works; how many were.

    Called when the password changes: whoever knew the old one may have made tokens,
    and a token skips the login (so the new password) for as long as it lives.
    """
    now = timezone.now()
    with transaction.atomic():
        live = list(
            ApiToken.objects.select_for_update()
            .filter(user_id=user.pk, revoked_at__isnull=True, expires_at__gt=now)
            .order_by("pk")
        )
        for token in live:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            # No actor: the person who set the password may be the user or staff.
            record_event(
                actor=None,
                event=api_audit.TOKEN_REVOKED,
                target=token,
                changes={"public_id": token.public_id, "reason": reason},
            )
    return len(live)
