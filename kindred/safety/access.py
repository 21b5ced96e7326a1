"""Who may see what in the safety layer. Members never see flags or signals."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from kindred.accounts.access import check_role, has_mfa
from kindred.accounts.roles import Role
from kindred.core.access import NotFound
from kindred.safety.models import Flag, SafetyPlan, SupportMessage


def can_moderate(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.MODERATOR) and has_mfa(user))


def can_review_escalations(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.STAFF) and has_mfa(user))


def visible_flags(user: Any) -> QuerySet[Flag]:
    """Flags in ``user``'s queue: all for moderators and staff, handed-over ones for their therapist."""
    if can_moderate(user) or can_review_escalations(user):
        return Flag.objects.all()
    if user.is_authenticated and user.has_role(Role.THERAPIST) and has_mfa(user):
        return Flag.objects.filter(handed_to=user)
    return Flag.objects.none()


def access_flag(user: Any, flag_id: int, *, write: bool = False) -> Flag:
    """A flag the user may handle. Writes (acknowledge, resolve…) need the moderator role."""
    queryset = visible_flags(user)
    if write and not (can_moderate(user) or can_review_escalations(user)):
        queryset = Flag.objects.none()
    flag = queryset.select_related("subject").filter(pk=flag_id).first()
    if flag is None:
        raise NotFound("flag")
    return flag


def read_flag(user: Any, flag_id: int, *, request: Any = None) -> Flag:
    """``access_flag`` for showing the flag: the read of what someone wrote is audited."""
    from kindred.audit.actions import record_read

    flag = access_flag(user, flag_id)
    record_read(actor=user, target=flag, request=request, what="flag")
    return flag


def check_moderator(user: Any) -> None:
    check_role(user, Role.MODERATOR)


def access_safety_plan(user: Any, owner_id: int) -> SafetyPlan | None:
    """The owner's plan (None if not written yet). Others: consent grants (care app) only."""
    if not user.is_authenticated or user.pk != owner_id:
        raise NotFound("safety plan")
    return SafetyPlan.objects.filter(owner_id=owner_id).first()


def access_support_message(user: Any, message_id: int) -> SupportMessage:
    message = (
        SupportMessage.objects.filter(pk=message_id, recipient_id=user.pk).first()
        if user.is_authenticated
        else None
    )
    if message is None:
        raise NotFound("message")
    return message


def blocked_user_ids(user: Any) -> set[int]:
    """Everyone ``user`` has blocked or been blocked by: hidden both ways.

    Cached on the user object for the request (one query per page, however many
    lists a page filters); block and unblock clear it.
    """
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_blocked_ids", None)
    if cached is None:
        from kindred.safety.models import Block

        pairs = Block.objects.filter(Q(blocker=user) | Q(blocked=user)).values_list(
            "blocker_id", "blocked_id"
        )
        cached = {b if a == user.pk else a for a, b in pairs}
        user._blocked_ids = cached
    return set(cached)


def forget_blocks(*users: Any) -> None:
    for user in users:
        user.__dict__.pop("_blocked_ids", None)
