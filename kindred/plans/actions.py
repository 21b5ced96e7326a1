"""Changing treatment plans. Audit rows carry ids and version numbers, never content."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.audit.actions import record_event
from kindred.core.access import NotFound
from kindred.core.notifications import do_notify
from kindred.plans import audit_names as plans_audit
from kindred.plans.access import treats
from kindred.plans.content import Objective, PlanContent
from kindred.plans.models import (
    EntryKind,
    ObjectiveEntry,
    PlanAcknowledgement,
    PlanComment,
    PlanVersion,
    TreatmentPlan,
)
from kindred.plans.progress import ATTAINMENT_LEVELS

if TYPE_CHECKING:
    from kindred.accounts.models import User

MAX_COMMENT = 4000


class PlanError(ValueError):
    """A change the plan cannot take (shown to the user as is)."""


def member_url(plan: TreatmentPlan) -> str:
    return reverse("my_plan", args=[plan.pk])


def therapist_url(plan: TreatmentPlan) -> str:
    return reverse("therapist_plan", args=[plan.pk])


def check_treats(therapist: User, member: User) -> None:
    if not treats(therapist, member.pk):
        raise NotFound("client")


def _new_version(
    plan: TreatmentPlan,
    author: User,
    number: int,
    content: PlanContent,
    summary: str,
    review_date: date,
) -> PlanVersion:
    version = PlanVersion(
        plan=plan, number=number, author=author, summary=summary, review_date=review_date
    )
    version.content = content.model_dump(mode="json")  # assigned apart: stubs type it as text
    version.save()
    return version


def do_create_plan(
    therapist: User,
    member: User,
    *,
    content: PlanContent,
    summary: str,
    review_date: date,
    request: HttpRequest | None = None,
) -> TreatmentPlan:
    """Start a plan (version 1) for a member the therapist treats."""
    check_treats(therapist, member)
    with transaction.atomic():
        plan = TreatmentPlan.objects.create(member=member, therapist=therapist)
        _new_version(plan, therapist, 1, content, summary, review_date)
        record_event(
            actor=therapist,
            event=plans_audit.PLAN_CREATED,
            target=plan,
            changes={"member": member.pk, "version": 1},
            request=request,
        )
        do_notify(
            [member],
            kind="plans.plan_created",
            title="Your therapist has shared a treatment plan with you",
            url=member_url(plan),
        )
    return plan


def do_revise_plan(
    therapist: User,
    plan: TreatmentPlan,
    *,
    content: PlanContent,
    summary: str,
    review_date: date,
    request: HttpRequest | None = None,
) -> PlanVersion:
    """Add the next version; earlier ones stay as they were. Notifies the member."""
    if plan.therapist_id != therapist.pk:
        raise NotFound("plan")
    check_treats(therapist, plan.member)
    with transaction.atomic():
        # The plan row lock serialises revisions, so two cannot take the same number.
        TreatmentPlan.objects.select_for_update().filter(pk=plan.pk).first()
        latest = plan.versions.order_by("-number").values_list("number", flat=True).first()
        number = (latest or 0) + 1
        version = _new_version(plan, therapist, number, content, summary, review_date)
        record_event(
            actor=therapist,
            event=plans_audit.PLAN_REVISED,
            target=plan,
            changes={"version": number},
            request=request,
        )
        do_notify(
            [plan.member],
            kind="plans.plan_revised",
            title="Your treatment plan has been updated",
            url=member_url(plan),
        )
    return version


def do_acknowledge(
    member: User, plan: TreatmentPlan, number: int, *, request: HttpRequest | None = None
) -> PlanAcknowledgement:
    """The member acknowledges version ``number``, which must be the current one."""
    if plan.member_id != member.pk:
        raise NotFound("plan")
    with transaction.atomic():
        current = plan.versions.order_by("-number").first()
        if current is None or current.number != number:
            raise PlanError(
                _("Your plan was updated since you opened it. Please read the new version first.")
            )
        ack, created = PlanAcknowledgement.objects.get_or_create(version=current, member=member)
        if created:
            record_event(
                actor=member,
                event=plans_audit.PLAN_ACKNOWLEDGED,
                target=plan,
                changes={"version": number},
                request=request,
            )
    return ack


def do_comment(
    author: User, plan: TreatmentPlan, number: int, text: str, *, request: HttpRequest | None = None
) -> PlanComment:
    """A comment by the member or the plan's therapist on one version.

    The caller got ``plan`` through :mod:`kindred.plans.access`.
    """
    if author.pk not in (plan.member_id, plan.therapist_id):
        raise NotFound("plan")
    text = text.strip()
    if not text:
        raise PlanError(_("Write something first."))
    if len(text) > MAX_COMMENT:
        raise PlanError(_("Keep comments under %(limit)s characters.") % {"limit": MAX_COMMENT})
    version = plan.versions.filter(number=number).first()
    if version is None:
        raise NotFound("plan version")
    with transaction.atomic():
        comment = PlanComment.objects.create(version=version, author=author, text=text)
        record_event(
            actor=author,
            event=plans_audit.COMMENT_ADDED,
            target=plan,
            changes={"version": number, "comment": comment.pk},
            request=request,
        )
        by_member = author.pk == plan.member_id
        do_notify(
            [plan.therapist if by_member else plan.member],
            kind="plans.comment_added",
            title="New comment on a treatment plan",
            url=therapist_url(plan) if by_member else member_url(plan),
        )
    return comment


def _record_entry(
    therapist: User,
    plan: TreatmentPlan,
    key: int,
    kind: EntryKind,
    value: int,
    *,
    request: HttpRequest | None,
    now: datetime | None,
) -> ObjectiveEntry:
    with transaction.atomic():
        entry = ObjectiveEntry(
            plan=plan,
            objective_key=key,
            kind=kind,
            value=str(value),
            recorded_by=therapist,
            recorded_at=now or timezone.now(),
        )
        entry.save()
        record_event(
            actor=therapist,
            event=plans_audit.OBJECTIVE_RECORDED[kind],
            target=plan,
            changes={"objective": key},
            request=request,
        )
    return entry


def _current_objective(therapist: User, plan: TreatmentPlan, key: int) -> Objective:
    if plan.therapist_id != therapist.pk:
        raise NotFound("plan")
    current = plan.versions.order_by("-number").first()
    objective = current.parsed.objective(key) if current else None
    if objective is None:
        raise NotFound("objective")
    return objective


def do_record_objective_value(
    therapist: User,
    plan: TreatmentPlan,
    key: int,
    value: int,
    *,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> ObjectiveEntry:
    """The current value of a behaviour-count objective (e.g. walks this week)."""
    objective = _current_objective(therapist, plan, key)
    if objective.count is None:
        raise PlanError(_("Progress on this objective comes from the member's questionnaires."))
    if value < 0:
        raise PlanError(_("A count cannot be negative."))
    return _record_entry(therapist, plan, key, EntryKind.VALUE, value, request=request, now=now)


def do_score_attainment(
    therapist: User,
    plan: TreatmentPlan,
    key: int,
    attainment: int,
    *,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> ObjectiveEntry:
    """Goal Attainment Scaling: −2 much less than expected … +2 much more."""
    _current_objective(therapist, plan, key)
    if attainment not in ATTAINMENT_LEVELS:
        raise PlanError(_("Attainment is scored from −2 to +2."))
    return _record_entry(
        therapist, plan, key, EntryKind.ATTAINMENT, attainment, request=request, now=now
    )
