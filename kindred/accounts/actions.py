"""Account operations shared by views, the API, commands and tests."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kindred.accounts.models import User, UserRole
from kindred.accounts.roles import Role
from kindred.audit.actions import record_event


def do_complete_signup(user: User, *, handle: str, age_band: str = "adult") -> None:
    with transaction.atomic():
        user.handle = handle
        user.age_band = age_band
        user.save(update_fields=["handle", "age_band"])
        UserRole.objects.get_or_create(user=user, role=Role.MEMBER)
        record_event(actor=user, event="account.signup", target=user)


def do_grant_role(actor: User | None, user: User, role: str) -> bool:
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    with transaction.atomic():
        _, created = UserRole.objects.get_or_create(user=user, role=role)
        if created:
            record_event(
                actor=actor, event="account.role_granted", target=user, changes={"role": role}
            )
    user.forget_roles()
    return created


def do_revoke_role(actor: User | None, user: User, role: str) -> bool:
    with transaction.atomic():
        deleted, _ = UserRole.objects.filter(user=user, role=role).delete()
        if deleted:
            record_event(
                actor=actor, event="account.role_revoked", target=user, changes={"role": role}
            )
    user.forget_roles()
    return bool(deleted)


def do_update_profile(user: User, changes: dict[str, Any], *, request: Any = None) -> None:
    # Compare with the stored row: a bound ModelForm has already copied the new
    # values onto the instance during validation.
    stored = User.objects.filter(pk=user.pk).values(*changes).get()
    fields = sorted(k for k, v in changes.items() if stored[k] != v)
    if not fields:
        return
    with transaction.atomic():
        for key in fields:
            setattr(user, key, changes[key])
        user.save(update_fields=fields)
        # Field names only: values such as the legal name stay out of the log.
        record_event(
            actor=user,
            event="account.profile_updated",
            target=user,
            changes={"fields": fields},
            request=request,
        )
