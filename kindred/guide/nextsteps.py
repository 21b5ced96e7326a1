"""Concrete next steps the decision guide can offer, contributed by other apps.

The guide must not depend on the groups or peers models, so those apps register
a source from their ``AppConfig.ready``. A source gets what the person told the
guide (as :class:`GuideNeeds`) and the signed-in user (or ``None`` for an
anonymous visitor) and returns at most a few steps, best first, each with the
reason it fits in plain words.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from kindred.core.registry import Registry

if TYPE_CHECKING:
    from kindred.accounts.models import User


@dataclass(frozen=True)
class GuideNeeds:
    # Community space slugs the person's situation falls under, e.g.
    # "depression-anxiety", "addiction-recovery", "chronic-illness-pain",
    # "grief-loss", "caregivers".
    topics: frozenset[str] = frozenset()
    languages: tuple[str, ...] = ("en",)
    # Most the person can pay per session; None = not said, 0 = free only.
    max_fee: Decimal | None = None
    # "online", "in_person", "video", "text", "group", "one_to_one"
    formats: frozenset[str] = frozenset()
    # Therapy modalities the person asked about, e.g. "cbt", "psychodynamic".
    modalities: frozenset[str] = frozenset()
    # "adult" or "teen"; None when unknown (anonymous and did not say).
    age_band: str | None = None
    # "weekday_evening", "weekend", … as the guide asks them.
    times: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class NextStep:
    kind: str  # "group", "space", "peer", "therapist"
    title: str
    url: str
    reason: str


logger = logging.getLogger(__name__)

NextStepSource = Callable[[GuideNeeds, "User | None"], list[NextStep]]

NEXT_STEP_SOURCES = Registry[NextStepSource]("next-step sources")


def register_next_step_source(kind: str, source: NextStepSource) -> None:
    NEXT_STEP_SOURCES.register(kind, source)


def next_steps(
    needs: GuideNeeds, user: User | None, *, per_kind: int = 3
) -> dict[str, list[NextStep]]:
    """Every registered source's steps. A source that fails is logged and left out: the
    guide (and the crisis resources it may be showing) must not fail with it."""
    steps: dict[str, list[NextStep]] = {}
    for kind, source in NEXT_STEP_SOURCES.items():
        try:
            steps[kind] = source(needs, user)[:per_kind]
        except Exception:
            # Only the kind: the needs describe the person's situation.
            logger.exception("Next-step source %r failed", kind)
    return steps
