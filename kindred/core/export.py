"""The plug-in point for a member's data export: each app contributes its own section.

A feature app describes what it holds about a person in ``<app>/export.py`` and
registers an :class:`ExportSection` here at import; ``kindred.rights`` imports every
installed app's ``export`` module (``autodiscover_modules("export")``) and builds the
export from whatever is registered. The registry lives in this low app so that feature
apps never import ``kindred.rights`` (it sits above all of them).

A section also says which foreign keys to the user it reads (``covers``) and which it
deliberately leaves out, with the reason (``excluded``). A test walks every model with a
relation to the user and fails for any relation neither covered nor excluded, so a new
app or a new model cannot be forgotten.

Records are plain JSON-ready dicts (datetimes and dates become ISO strings when the
document is written); encrypted fields are read decrypted, since it is the member's own
data and the export is audited once as a whole (``kindred.rights``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.functional import Promise

from kindred.core.registry import Registry

if TYPE_CHECKING:
    from kindred.accounts.models import User

Label = str | Promise
Records = list[dict[str, Any]]


@dataclass(frozen=True)
class ExportSection:
    """One app's part of the export.

    ``export_for(user)`` returns ``{part: records or one record}``; each part gets the
    heading ``parts[part]`` in the readable version (the JSON keeps the key).
    ``covers`` and ``excluded`` name relations as ``"app_label.Model.field"``.
    ``attachments(user)`` adds files of their own to the archive (``{name: bytes}``),
    e.g. the questionnaires as a FHIR bundle.
    """

    title: Label
    export_for: Callable[[User], Mapping[str, Any]]
    parts: Mapping[str, Label] = field(default_factory=dict)
    covers: tuple[str, ...] = ()
    excluded: Mapping[str, str] = field(default_factory=dict)
    attachments: Callable[[User], Mapping[str, bytes]] | None = None


EXPORT_SECTIONS = Registry[ExportSection]("data export sections")


def relation_name(model: type[models.Model], field_name: str) -> str:
    return f"{model._meta.app_label}.{model.__name__}.{field_name}"


def user_relations() -> list[tuple[type[models.Model], models.Field[Any, Any]]]:
    """Every (model, field) of an installed app that points at the user model: foreign
    keys, one-to-ones and many-to-manys, in a stable order."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = []
    for model in apps.get_models():
        for model_field in model._meta.get_fields():
            if (
                isinstance(model_field, models.Field)
                and model_field.concrete
                and model_field.is_relation
                and model_field.related_model is user_model
            ):
                found.append((model, model_field))
    return found


def owned_rows(user: User) -> int:
    """How many rows point at ``user`` directly: the size of their export, roughly
    (nested rows such as a post's revisions are not counted). One query per relation."""
    total = 0
    for model, model_field in user_relations():
        if model_field.many_to_many:
            total += model._default_manager.filter(**{model_field.name: user}).count()
        else:
            total += model._default_manager.filter(**{model_field.attname: user.pk}).count()
    return total


def uncovered_relations(sections: Iterable[ExportSection] | None = None) -> list[str]:
    """Relations to the user that no section exports nor excludes (should be none)."""
    chosen = list(EXPORT_SECTIONS.values() if sections is None else sections)
    known = {name for s in chosen for name in (*s.covers, *s.excluded)}
    return [
        relation_name(model, f.name)
        for model, f in user_relations()
        if relation_name(model, f.name) not in known
    ]


def handle_of(user: User | None) -> str:
    """How someone else appears in a member's export: their public handle only."""
    return str(user.handle) if user is not None else ""


def _notifications(user: User) -> dict[str, Any]:
    from kindred.core.models import Notification, NotificationPreference

    return {
        "notifications": list(
            Notification.objects.filter(recipient=user)
            .order_by("created_at", "pk")
            .values("kind", "title", "url", "created_at", "read_at")
        ),
        "notification_settings": list(
            NotificationPreference.objects.filter(user=user)
            .order_by("category")
            .values("category", "in_app", "email", "updated_at")
        ),
    }


def _register_notifications() -> None:
    from django.utils.translation import gettext_lazy as _

    EXPORT_SECTIONS.register(
        "notifications",
        ExportSection(
            title=_("Notifications"),
            export_for=_notifications,
            parts={
                "notifications": _("Notifications"),
                "notification_settings": _("Your notification settings"),
            },
            covers=("core.Notification.recipient", "core.NotificationPreference.user"),
            excluded={
                "core.IdempotencyKey.user": (
                    "a retry record naming what a request created (the thing itself is "
                    "in its own section), deleted after 24 hours"
                ),
            },
        ),
    )


_register_notifications()
