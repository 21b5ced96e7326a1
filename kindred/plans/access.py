"""Who may see and change a treatment plan.

* The member reads their own plans, comments and acknowledges.
* The therapist who wrote the plan reads, revises and records progress — while they
  still treat the member (:func:`kindred.bookings.relationships.clients_of`).
* Nobody else: another therapist (even one who also treats the member), moderators,
  peer supporters and staff get the same :class:`NotFound` as for a missing id.

Every read by someone other than the member is audited.
"""

from __future__ import annotations

from django.http import HttpRequest

from kindred.accounts.models import User
from kindred.audit.actions import record_read
from kindred.bookings.relationships import clients_of
from kindred.core.access import NotFound
from kindred.plans.models import PlanVersion, TreatmentPlan


def access_client(therapist: User, member_id: int) -> User:
    """A member the therapist currently treats (for starting a plan)."""
    member = clients_of(therapist).filter(pk=member_id).first()
    if member is None:
        raise NotFound("client")
    return member


def treats(therapist: User, member_id: int) -> bool:
    return clients_of(therapist).filter(pk=member_id).exists()


def access_plan(
    user: User,
    plan_id: int,
    *,
    write: bool = False,
    audit: bool = True,
    request: HttpRequest | None = None,
) -> TreatmentPlan:
    """The plan as its therapist sees it (therapist pages only).

    Reading and revising need the same thing (being the plan's therapist and still
    treating the member), so ``write`` changes nothing today; callers still say it.

    ``audit=False`` only where the caller shows nothing of the plan (a POST whose action
    writes its own audit row).
    """
    plan = (
        TreatmentPlan.objects.select_related("member", "therapist")
        .filter(pk=plan_id, therapist_id=user.pk)
        .first()
    )
    if plan is None or not treats(user, plan.member_id):
        raise NotFound("plan")
    if audit:
        record_read(actor=user, target=plan, request=request, what="treatment plan")
    return plan


def access_member_plan(user: User, plan_id: int) -> TreatmentPlan:
    """The member's own plan (member pages only)."""
    plan = (
        TreatmentPlan.objects.select_related("member", "therapist")
        .filter(pk=plan_id, member_id=user.pk)
        .first()
    )
    if plan is None:
        raise NotFound("plan")
    return plan


def current_version(plan: TreatmentPlan) -> PlanVersion:
    version = plan.versions.order_by("-number").first()
    if version is None:  # every plan is created with version 1
        raise NotFound("plan")
    return version


def access_version(plan: TreatmentPlan, number: int) -> PlanVersion:
    """A version of a plan the caller already has access to."""
    version = plan.versions.filter(number=number).first()
    if version is None:
        raise NotFound("plan version")
    return version
