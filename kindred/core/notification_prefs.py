"""Reading and changing who wants which notifications, in-app and by e-mail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from kindred.core.models import NotificationPreference
from kindred.core.notification_kinds import (
    NotificationCategory,
    categories_for,
    category_of,
)

if TYPE_CHECKING:
    from kindred.accounts.models import User


@dataclass(frozen=True)
class Choice:
    in_app: bool
    email: bool


@dataclass(frozen=True)
class PreferenceRow:
    category: NotificationCategory
    in_app: bool
    email: bool


def _default(category: NotificationCategory) -> Choice:
    return Choice(in_app=True, email=category.email_default)


def choices_for(user_ids: Iterable[int], kind: str) -> dict[int, Choice]:
    """Each user's choice for ``kind`` (one query; none for a kind nobody may switch off)."""
    ids = list(user_ids)
    category = category_of(kind)
    if category is None:
        return {pk: Choice(in_app=True, email=False) for pk in ids}
    stored = {
        row.user_id: Choice(in_app=row.in_app, email=row.email)
        for row in NotificationPreference.objects.filter(user_id__in=ids, category=category.key)
    }
    return {pk: stored.get(pk, _default(category)) for pk in ids}


def wants_email(user: User, kind: str) -> bool:
    """Whether ``user`` gets ``kind`` by e-mail (senders that write their own e-mail ask)."""
    return choices_for([user.pk], kind)[user.pk].email


def preference_rows(user: User) -> list[PreferenceRow]:
    """The settings page: every category this person can receive, with their choice."""
    stored = {row.category: row for row in NotificationPreference.objects.filter(user_id=user.pk)}
    rows = []
    for category in categories_for(user.role_names()):
        row = stored.get(category.key)
        choice = Choice(row.in_app, row.email) if row else _default(category)
        rows.append(PreferenceRow(category=category, in_app=choice.in_app, email=choice.email))
    return rows


def do_set_preferences(user: User, choices: dict[str, Choice]) -> list[str]:
    """Store ``choices`` (category key → choice); returns the keys that changed.

    Unknown categories are ignored: the form offers only those of
    :func:`preference_rows`.
    """
    current = {row.category.key: row for row in preference_rows(user)}
    changed = []
    with transaction.atomic():
        for key, choice in choices.items():
            row = current.get(key)
            if row is None or (row.in_app, row.email) == (choice.in_app, choice.email):
                continue
            NotificationPreference.objects.update_or_create(
                user=user, category=key, defaults={"in_app": choice.in_app, "email": choice.email}
            )
            changed.append(key)
    return changed
