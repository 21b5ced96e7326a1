"""How long Kindred keeps each kind of data, declared once: the rules, their table, their sweep.

Each app declares its rules in ``<app>/retention.py`` (imported by
:class:`kindred.rights.apps.RightsConfig` through ``autodiscover_modules``) and registers
them in :data:`RETENTION_RULES`. The same declarations

* are applied by one daily task (:mod:`kindred.rights.retention_actions`), which calls
  each rule's ``purge`` with the cut-off its setting gives;
* render the table in ``docs/retention.md`` (:func:`render_table`; a test fails when the
  document and the declarations differ, and ``kindred retention_table`` prints it).

A rule without ``purge`` is enforced elsewhere (``enforced_by`` says where) or is kept on
purpose (``Action.KEEP``, with the reason); it is in the table all the same, so that the
table covers every kind of data, not only what the sweep touches.

``purge(cutoff, batch_size)`` removes or anonymises what is older than ``cutoff`` and
returns how many rows it changed. It must be idempotent (a second run the same day
changes nothing) and work in batches of primary keys (:func:`delete_in_batches`), so
memory and lock time stay bounded however much has piled up.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from kindred.core.registry import Registry
from kindred.env import env_int

# Rows per delete or update: small enough that one statement holds its locks briefly.
BATCH_SIZE = 500

Purge = Callable[[datetime, int], int]


class Action(enum.Enum):
    DELETE = "deleted"
    ANONYMISE = "anonymised"
    KEEP = "kept"


@dataclass(frozen=True)
class RetentionRule:
    """One kind of data and what happens to it.

    ``setting`` names the Django setting (and environment variable) holding the number
    of days, ``default_days`` its default; ``after`` says from when they count ("after
    the room closed"). ``why`` is the reason, in a sentence or two, for the reader of
    ``docs/retention.md``.
    """

    data: str
    action: Action
    why: str
    setting: str = ""
    default_days: int | None = None
    after: str = ""
    purge: Purge | None = None
    enforced_by: str = ""

    def __post_init__(self) -> None:
        if self.purge is not None and not self.setting:
            raise ValueError(f"{self.data}: a rule that purges needs a setting for its period.")
        if self.purge is None and self.action is not Action.KEEP and not self.enforced_by:
            raise ValueError(f"{self.data}: say what enforces it (enforced_by) or give purge.")

    def days(self) -> int:
        """The period in days: Django settings (tests override there) win over the
        environment, which wins over the default."""
        if not self.setting or self.default_days is None:
            raise ValueError(f"{self.data} has no period.")
        value = getattr(settings, self.setting, None)
        days = int(value) if value is not None else env_int(self.setting, self.default_days)
        if days < 1:
            raise ImproperlyConfigured(f"{self.setting} must be 1 or more.")
        return days

    def period(self) -> str:
        """The period as the table shows it."""
        if self.default_days is None:
            return "—"
        return f"`{self.setting}` days (default {self.default_days}) {self.after}".strip()

    def enforcement(self) -> str:
        if self.purge is not None:
            return "daily retention task"
        return self.enforced_by or "—"


RETENTION_RULES = Registry[RetentionRule]("retention rules")


def delete_in_batches(queryset: models.QuerySet[Any], batch_size: int = BATCH_SIZE) -> int:
    """Delete the queryset's rows ``batch_size`` primary keys at a time; returns how many
    of the queryset's own model went (rows removed by cascade are not counted).

    Each batch is one ``delete()`` (its own transaction), so a long backlog never holds
    one huge transaction or loads every row into memory. The queryset must stop matching
    a row once it is deleted, which any filter on the row's own columns does.
    """
    model = queryset.model
    label = model._meta.label
    deleted = 0
    while True:
        pks = list(queryset.order_by().values_list("pk", flat=True)[:batch_size])
        if not pks:
            return deleted
        _, per_model = model._base_manager.filter(pk__in=pks).delete()
        deleted += per_model.get(label, 0)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render_table() -> str:
    """The Markdown table of every rule, in registration order (``docs/retention.md``)."""
    lines = [
        "| Key | Data | Kept for | Then | Enforced by | Why |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for key, rule in RETENTION_RULES.items():
        cells = (
            f"`{key}`",
            rule.data,
            rule.period(),
            rule.action.value,
            rule.enforcement(),
            rule.why,
        )
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


# --- Core's own rules ------------------------------------------------------------------


def purge_old_notifications(cutoff: datetime, batch_size: int) -> int:
    from kindred.core.models import Notification

    return delete_in_batches(Notification.objects.filter(created_at__lte=cutoff), batch_size)


RETENTION_RULES.register(
    "core.notifications",
    RetentionRule(
        data="In-app notifications, read or not",
        action=Action.DELETE,
        setting="RETENTION_NOTIFICATIONS_DAYS",
        default_days=90,
        after="after they were sent",
        purge=purge_old_notifications,
        why="A pointer to something else, which keeps its own record; after three months "
        "it points at nothing anyone is waiting for. Their titles never quote content.",
    ),
)
RETENTION_RULES.register(
    "core.request_log",
    RetentionRule(
        data="Request log (logger `kindred.access`: method, redacted path, status, time, address)",
        action=Action.DELETE,
        enforced_by="the host's log store: Kindred writes it to stderr and keeps no copy; "
        "keep it 14 days at most",
        why="Needed only to investigate errors and abuse. It never holds query values, "
        "secrets in paths, bodies or cookies (kindred/core/requestlog.py).",
    ),
)
