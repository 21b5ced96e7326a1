"""Evaluating a guide (stateless) and saving one (signed in, encrypted, audited).

:func:`evaluate_guide` is what both the pages and the API call: it scores the
screening, runs :mod:`kindred.guide.rules`, and asks the registered sources for next
steps. It stores nothing. :func:`do_save_guide` stores one evaluation for its owner.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest

from kindred.audit.actions import record_event, record_read
from kindred.guide import audit_names as guide_audit
from kindred.guide.access import access_saved_guide, visible_saved_guides
from kindred.guide.models import SavedGuide
from kindred.guide.nextsteps import GuideNeeds, NextStep, next_steps
from kindred.guide.options import CONTENT_VERSION, OPTIONS_BY_KEY
from kindred.guide.questions import FIELD_QUESTIONS, GuideAnswers, display_value
from kindred.guide.rules import Facts, Outcome, evaluate
from kindred.guide.screening import (
    Scored,
    ScreeningError,
    available_screening,
    follow_ups_due,
    score_screening,
)
from kindred.measures.definitions import InstrumentDefinition
from kindred.safety.actions import do_raise_flag
from kindred.safety.models import FlagKind

if TYPE_CHECKING:
    from kindred.accounts.models import User

FLAG_LEVEL = "high"
FLAG_SCOPE = "guide"
# Next-step kinds, in the order shown when nothing suggests otherwise.
NEXT_STEP_ORDER = ("group", "space", "peer", "therapist")

__all__ = ["Evaluation", "ScreeningError", "do_save_guide", "evaluate_guide"]


@dataclass(frozen=True)
class Evaluation:
    answers: GuideAnswers
    scores: Mapping[str, Scored]
    outcome: Outcome
    needs: GuideNeeds
    next_steps: dict[str, list[NextStep]]
    follow_ups: tuple[str, ...]

    @property
    def immediate_risk(self) -> bool:
        return self.outcome.immediate_risk


def signed_in(user: User | AnonymousUser | None) -> User | None:
    """The user when signed in, else None (what next-step sources expect)."""
    return user if user is not None and user.is_authenticated else None


def needs_from_answers(answers: GuideAnswers, user: User | None) -> GuideNeeds:
    age_band = answers.age_group or (user.age_band if user else None)
    return GuideNeeds(
        topics=frozenset(answers.topics),
        languages=(answers.language,),
        max_fee=answers.max_fee,
        formats=frozenset(answers.formats),
        modalities=frozenset(answers.modalities),
        age_band=age_band or None,
        times=frozenset(answers.times),
    )


def _ordered_steps(steps: dict[str, list[NextStep]], outcome: Outcome) -> dict[str, list[NextStep]]:
    """Put the kinds that match the best-supported option first."""
    top = outcome.verdicts[0].key if outcome.verdicts else ""
    family = OPTIONS_BY_KEY[top].family if top else ""
    preferred = ("therapist",) if family == "therapy" else ()
    order = [*preferred, *(k for k in NEXT_STEP_ORDER if k not in preferred)]
    ranked = sorted(steps, key=lambda k: order.index(k) if k in order else len(order))
    return {kind: steps[kind] for kind in ranked}


def evaluate_guide(
    answers: GuideAnswers,
    user: User | AnonymousUser | None,
    *,
    available: Mapping[str, InstrumentDefinition] | None = None,
) -> Evaluation:
    """Score, apply the rules, gather next steps. Stores nothing.

    Raises :class:`ScreeningError` when screening answers cannot be scored or name an
    instrument this organisation does not offer.
    """
    person = signed_in(user)
    if available is None:
        available = available_screening()
    scores = score_screening(answers.screening, available)
    outcome = evaluate(Facts(answers=answers, scores=scores))
    needs = needs_from_answers(answers, person)
    return Evaluation(
        answers=answers,
        scores=scores,
        outcome=outcome,
        needs=needs,
        next_steps=_ordered_steps(next_steps(needs, person), outcome),
        follow_ups=tuple(
            f
            for f in follow_ups_due(scores, available, answers.auditc_cutoff)
            if f not in answers.screening
        ),
    )


class ScoreRecord(TypedDict):
    name: str
    total: int
    max: int
    band_label: str


class OutcomeRecord(TypedDict):
    """What a saved guide keeps of the evaluation (its ``outcome``)."""

    immediate_risk: bool
    scores: dict[str, ScoreRecord]
    suggested: list[str]
    considered: list[str]
    rules: list[str]
    choice: str


def outcome_record(evaluation: Evaluation) -> OutcomeRecord:
    """What a saved guide keeps of the evaluation (encrypted with it)."""
    return {
        "immediate_risk": evaluation.immediate_risk,
        "scores": {
            key: {"name": s.name, "total": s.total, "max": s.max, "band_label": s.band_label}
            for key, s in evaluation.scores.items()
        },
        "suggested": list(evaluation.outcome.suggested_options),
        "considered": list(evaluation.outcome.considered_options),
        "rules": [rule.id for rule in evaluation.outcome.fired],
        "choice": evaluation.answers.choice,
    }


def do_save_guide(
    user: User, answers: GuideAnswers, *, request: HttpRequest | None = None
) -> SavedGuide:
    """Save ``user``'s guide. A sign of immediate risk also raises a high-level flag, as a
    critical questionnaire answer does, so a person can follow up."""
    evaluation = evaluate_guide(answers, user)
    with transaction.atomic():
        guide = SavedGuide(owner=user, content_version=CONTENT_VERSION)
        # Assigned apart: the stubs type the encrypted fields as text.
        guide.answers = answers.model_dump(mode="json")
        guide.outcome = outcome_record(evaluation)
        guide.save()
        # The audit row names what was saved, never the answers or scores.
        record_event(
            actor=user,
            event=guide_audit.SAVED,
            target=guide,
            changes={"content_version": CONTENT_VERSION},
            request=request,
        )
        if evaluation.immediate_risk:
            do_raise_flag(
                kind=FlagKind.CRITICAL_ANSWER,
                subject=user,
                text="Decision guide saved with a safety answer: "
                + "; ".join(rule.when for rule in evaluation.outcome.safety),
                level=FLAG_LEVEL,
                source_type="guide.savedguide",
                source_id=str(guide.pk),
                context="Decision guide",
                scope=FLAG_SCOPE,
            )
    return guide


def do_delete_saved_guide(user: User, guide_id: int, *, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        guide = access_saved_guide(user, guide_id, request=request)
        record_event(
            actor=user,
            event=guide_audit.DELETED,
            target_type="guide.savedguide",
            target_id=guide.pk,
            request=request,
        )
        guide.delete()


def saved_answers(guide: SavedGuide) -> GuideAnswers:
    return GuideAnswers.model_validate(guide.answers)


def previous_guide(guide: SavedGuide) -> SavedGuide | None:
    """The owner's save just before ``guide`` (one indexed query)."""
    return (
        visible_saved_guides(guide.owner)
        .filter(created_at__lte=guide.created_at)
        .exclude(pk=guide.pk)
        .exclude(created_at=guide.created_at, id__gt=guide.pk)
        .order_by("-created_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class AnswerChange:
    question: str
    before: str
    after: str


@dataclass(frozen=True)
class ScoreChange:
    name: str
    before: int | None
    after: int | None
    max: int
    before_band: str
    after_band: str

    @property
    def change(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


def changes_since_previous(
    guide: SavedGuide, *, request: HttpRequest | None = None
) -> tuple[SavedGuide | None, list[AnswerChange], list[ScoreChange]]:
    """The owner's previous save and what changed since; reading the previous one's
    content is audited like reading ``guide`` (the caller got it from
    :func:`access_saved_guide`)."""
    previous = previous_guide(guide)
    if previous is None:
        return None, [], []
    record_read(
        actor=guide.owner, target=previous, request=request, what="saved decision guide (compared)"
    )
    answers, scores = compare(previous, guide)
    return previous, answers, scores


def compare(before: SavedGuide, after: SavedGuide) -> tuple[list[AnswerChange], list[ScoreChange]]:
    """What changed from ``before`` to ``after``: answers read back, and screening scores."""
    old, new = before.answers, after.answers
    answers = [
        AnswerChange(
            question, display_value(name, old.get(name)), display_value(name, new.get(name))
        )
        for name, (question, _) in FIELD_QUESTIONS.items()
        if display_value(name, old.get(name)) != display_value(name, new.get(name))
    ]
    old_scores, new_scores = before.outcome["scores"], after.outcome["scores"]
    scores = []
    for key in sorted(set(old_scores) | set(new_scores)):
        was, now = old_scores.get(key), new_scores.get(key)
        ref = now or was
        scores.append(
            ScoreChange(
                name=ref["name"],
                before=was["total"] if was else None,
                after=now["total"] if now else None,
                max=ref["max"],
                before_band=was["band_label"] if was else "",
                after_band=now["band_label"] if now else "",
            )
        )
    return answers, scores
