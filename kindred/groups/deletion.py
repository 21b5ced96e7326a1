"""What deleting an account means for groups: places, attendance and facilitation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.accounts.deletion import ERASERS, ErasePlan, Eraser
from kindred.groups.models import (
    Attendance,
    Group,
    GroupSession,
    ReminderSent,
    SessionStatus,
    SignUp,
)

if TYPE_CHECKING:
    from kindred.accounts.models import User


def erase(user: User, plan: ErasePlan) -> dict[str, int]:
    counts = {
        "sign_ups": SignUp.objects.filter(user=user).delete()[0],
        "attendance": Attendance.objects.filter(user=user).delete()[0],
        "reminders_sent": ReminderSent.objects.filter(user=user).delete()[0],
        "facilitated_groups": Group.facilitators.through.objects.filter(user=user).delete()[0],
    }
    Group.objects.filter(created_by=user).update(created_by=None)
    GroupSession.objects.filter(ended_by=user).update(ended_by=None)
    return counts


def duties(user: User) -> list[str]:
    count = GroupSession.objects.filter(
        group__facilitators=user,
        group__is_active=True,
        status=SessionStatus.SCHEDULED,
        starts_at__gt=timezone.now(),
    ).count()
    if not count:
        return []
    return [_("%(count)d upcoming group session(s) you facilitate") % {"count": count}]


ERASERS.register(
    "groups",
    Eraser(
        erase=erase,
        duties=duties,
        models=(
            "groups.SignUp",
            "groups.Attendance",
            "groups.ReminderSent",
            "groups.Group",
            "groups.GroupSession",
        ),
    ),
)
