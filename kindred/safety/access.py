"""Who may see what in the safety layer. Members never see flags or signals."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from kindred.accounts.access import check_role, has_mfa
from kindred.accounts.roles import Role
from kindred.core.access import NotFound
from kindred.safety.models import Flag, SafetyPlan, SupportConversation, SupportSide


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


def access_handed_over_flag(user: Any, flag_id: int) -> Flag:
    """A flag a moderator handed over to ``user`` as the member's treating therapist, for
    the therapist's own actions (acknowledge, message the member, resolve).

    Moderators and staff act through :func:`access_flag`; another therapist, or this one
    without their second factor, gets the same :class:`NotFound` as for a missing flag.
    """
    if not (user.is_authenticated and user.has_role(Role.THERAPIST) and has_mfa(user)):
        raise NotFound("flag")
    flag = Flag.objects.select_related("subject").filter(pk=flag_id, handed_to=user).first()
    if flag is None:
        raise NotFound("flag")
    return flag


def is_safety_team(user: Any) -> bool:
    """Moderators and staff (with their second factor): the team behind the flags."""
    return can_moderate(user) or can_review_escalations(user)


def access_member_support_conversation(user: Any, conversation_id: int) -> SupportConversation:
    """The member's own support conversation (the member's pages only)."""
    conversation = (
        SupportConversation.objects.select_related("staff", "flag")
        .filter(pk=conversation_id, member_id=getattr(user, "pk", None))
        .first()
        if user.is_authenticated
        else None
    )
    if conversation is None:
        raise NotFound("conversation")
    return conversation


def staff_support_conversations(user: Any) -> QuerySet[SupportConversation]:
    """The conversations ``user`` reads from the supporting side.

    The safety team reads every conversation (the team's own, and a facilitator's, which
    hang off the same flag and are shown on its page); a facilitator reads only the ones
    they started. Everyone else reads none.
    """
    if not user.is_authenticated:
        return SupportConversation.objects.none()
    if is_safety_team(user):
        return SupportConversation.objects.all()
    if user.has_role(Role.FACILITATOR):
        return SupportConversation.objects.filter(side=SupportSide.FACILITATOR, staff=user)
    return SupportConversation.objects.none()


def can_write_support(user: Any, conversation: SupportConversation) -> bool:
    """The team writes in the team's conversations; a facilitator only in their own."""
    if conversation.side == SupportSide.TEAM:
        return is_safety_team(user)
    return bool(
        user.is_authenticated
        and user.has_role(Role.FACILITATOR)
        and conversation.staff_id == user.pk
    )


def access_staff_support_conversation(
    user: Any,
    conversation_id: int,
    *,
    write: bool = False,
    audit: bool = True,
    request: Any = None,
) -> SupportConversation:
    """A conversation ``user`` supports the member in; with ``write``, one they may write in.

    Every read is audited: what a member writes here is often the most sensitive thing
    they write anywhere. ``audit=False`` only where the caller shows none of the messages
    (a POST whose action writes its own audit row).
    """
    from kindred.audit.actions import record_read

    conversation = (
        staff_support_conversations(user)
        .select_related("member", "staff", "flag")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None or (write and not can_write_support(user, conversation)):
        raise NotFound("conversation")
    if audit:
        record_read(actor=user, target=conversation, request=request, what="support messages")
    return conversation


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
