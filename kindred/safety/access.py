"""Who may see what in the safety layer. Members never see flags or signals.

Clinical flags (``Flag.is_clinical``: a secure message to a therapist, a critical
questionnaire answer) hold what a member wrote to a clinician. Their text, signals and
score are shown through :func:`read_flag` only, only to the treating therapist(s) the
flag was routed to (``Flag.clinicians``), and every look is audited with the reader's
role so that it shows on the member's "who looked at what" page. Everyone else who may
see the flag — moderators, staff, a therapist it was handed over to — gets it with the
content withheld (:func:`withhold_clinical_text`): that the member needs attention, never
what they wrote. :func:`access_flag` always withholds it; a list built on
:func:`visible_flags` passes its rows through :func:`withhold_clinical_text` before
showing them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from kindred.accounts.access import check_role, has_mfa
from kindred.accounts.models import User
from kindred.core.access import NotFound
from kindred.core.roles import Role
from kindred.safety import audit_names as safety_audit
from kindred.safety.models import Flag, SafetyPlan, SupportConversation, SupportSide

# Audit event of a look at a flag (its page). For a clinical flag, ``changes`` name the
# member, the reader's role and whether the text was shown (kindred/consent/accesslog.py).
FLAG_READ_EVENT = safety_audit.FLAG_READ
# What each kind of reader may do on a flag's page (``flag_action`` views).
MODERATOR_ACTIONS = frozenset(
    {"acknowledge", "reach-out", "hand-over", "resolve", "release", "hide", "unhide"}
)
# Hiding and unhiding what the flag is about (kindred/safety/flaggedcontent.py).
CONTENT_ACTIONS = frozenset({"hide", "unhide"})
# The treating therapist acknowledges (stopping the escalation timer) and resolves; the
# support team's tools stay with the support team.
CLINICIAN_ACTIONS = frozenset({"acknowledge", "resolve"})


def can_moderate(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.MODERATOR) and has_mfa(user))


def can_review_escalations(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.STAFF) and has_mfa(user))


def _is_therapist(user: User | AnonymousUser) -> TypeGuard[User]:
    # True only for a signed-in account: after it, callers may treat ``user`` as one.
    return bool(user.is_authenticated and user.has_role(Role.THERAPIST) and has_mfa(user))


def _routed_to(user: User) -> QuerySet[Model, Mapping[str, object]]:
    """Ids of the clinical flags routed to ``user`` as a treating therapist."""
    return Flag.clinicians.through.objects.filter(user_id=user.pk).values("flag_id")


def visible_flags(user: User | AnonymousUser) -> QuerySet[Flag]:
    """Flags in ``user``'s queue: all for moderators and staff; for a therapist, those
    handed over to them and the clinical flags routed to them.

    Rows from here may carry clinical text: whoever shows them to someone who is not the
    flag's clinician passes them through :func:`withhold_clinical_text` first.
    """
    if can_moderate(user) or can_review_escalations(user):
        return Flag.objects.all()
    if _is_therapist(user):
        return Flag.objects.filter(Q(handed_to=user) | Q(pk__in=_routed_to(user)))
    return Flag.objects.none()


def is_flag_clinician(user: User | AnonymousUser, flag: Flag) -> bool:
    """True when ``user`` is a treating therapist ``flag`` was routed to (cached per flag)."""
    if not flag.is_clinical or not _is_therapist(user):
        return False
    cache: dict[int, bool] = flag.__dict__.setdefault("_clinician_of", {})
    if user.pk not in cache:
        cache[user.pk] = flag.clinicians.filter(pk=user.pk).exists()
    return cache[user.pk]


def withhold_clinical_text(flags: Iterable[Flag]) -> list[Flag]:
    """The flags with the content of clinical ones withheld: that the member needs
    attention, never what they wrote, nor the signals and score derived from it."""
    shown = list(flags)
    for flag in shown:
        if flag.is_clinical:
            flag.text = ""
            flag.signals = []
            flag.score = 0.0
            flag.outcome_note = ""
            flag.context = _("Private: only their treating therapist reads it")
            flag.content_hidden = True
    return shown


def _get_flag(user: User | AnonymousUser, flag_id: int, *, write: bool) -> Flag:
    queryset = visible_flags(user)
    if write and user.is_authenticated and not (can_moderate(user) or can_review_escalations(user)):
        # A therapist acts only on the clinical flags routed to them (a visitor's queryset
        # is empty already).
        queryset = queryset.filter(pk__in=_routed_to(user))
    flag = queryset.select_related("subject").filter(pk=flag_id).first()
    if flag is None:
        raise NotFound("flag")
    return flag


def access_flag(user: User | AnonymousUser, flag_id: int, *, write: bool = False) -> Flag:
    """A flag the user may handle. Writes (acknowledge, resolve…) need the moderator role,
    or for a clinical flag, to be a treating therapist it was routed to (then see
    :func:`check_flag_action`). A clinical flag's text is always withheld here: only
    :func:`read_flag` shows it, and audits it."""
    [flag] = withhold_clinical_text([_get_flag(user, flag_id, write=write)])
    return flag


def check_flag_action(user: User | AnonymousUser, flag: Flag, action: str) -> None:
    """Raise :class:`NotFound` unless ``user`` may do ``action`` on ``flag``."""
    if action not in flag_actions(user, flag):
        raise NotFound("action")


def flag_actions(user: User | AnonymousUser, flag: Flag) -> frozenset[str]:
    """What ``user`` may do on ``flag``'s page (the page offers these and no others)."""
    if can_moderate(user) or can_review_escalations(user):
        # A clinical flag's content is not the team's to open or hide.
        return MODERATOR_ACTIONS - CONTENT_ACTIONS if flag.is_clinical else MODERATOR_ACTIONS
    if is_flag_clinician(user, flag):
        return CLINICIAN_ACTIONS
    return frozenset()


def read_flag(
    user: User | AnonymousUser, flag_id: int, *, request: HttpRequest | None = None
) -> Flag:
    """``access_flag`` for showing the flag: the read of what someone wrote is audited.

    A clinical flag comes back with its text for a treating therapist it was routed to
    and withheld for everyone else; either way the look is audited with the reader's
    role and shows on the member's "who looked at what" page.
    """
    from kindred.audit.actions import record_event, record_read
    from kindred.safety.clinical import source_label

    flag = _get_flag(user, flag_id, write=False)
    if not flag.is_clinical:
        record_read(actor=user, target=flag, request=request, what="flag")
        return flag
    shows_text = is_flag_clinician(user, flag)
    source = source_label(flag)
    record_event(
        actor=user,
        event=FLAG_READ_EVENT,
        target=flag,
        changes={
            "what": (
                f"what you wrote, in a safety alert on {source}"
                if shows_text
                else f"that you may need support (a safety alert on {source}), not what you wrote"
            ),
            "member": flag.subject_id,
            "role": _reader_role(user, shows_text),
            "text": shows_text,
        },
        request=request,
    )
    return flag if shows_text else withhold_clinical_text([flag])[0]


def _reader_role(user: User | AnonymousUser, clinician: bool) -> str:
    if clinician:
        return Role.THERAPIST.value
    if can_moderate(user):
        return Role.MODERATOR.value
    if can_review_escalations(user):
        return Role.STAFF.value
    return Role.THERAPIST.value  # a therapist it was handed over to


def check_moderator(user: User | AnonymousUser) -> None:
    check_role(user, Role.MODERATOR)


def access_safety_plan(user: User | AnonymousUser, owner_id: int) -> SafetyPlan | None:
    """The owner's plan (None if not written yet). Others: consent grants (care app) only."""
    if not user.is_authenticated or user.pk != owner_id:
        raise NotFound("safety plan")
    return SafetyPlan.objects.filter(owner_id=owner_id).first()


def access_handed_over_flag(user: User | AnonymousUser, flag_id: int) -> Flag:
    """A flag a moderator handed over to ``user`` as the member's treating therapist, for
    the therapist's own actions (acknowledge, message the member, resolve).

    Moderators and staff act through :func:`access_flag`; another therapist, or this one
    without their second factor, gets the same :class:`NotFound` as for a missing flag.
    A clinical flag's text is withheld here as in :func:`access_flag`: a therapist it was
    handed over to reads it only through :func:`read_flag`, and only if it was routed to
    them.
    """
    if not _is_therapist(user):
        raise NotFound("flag")
    flag = Flag.objects.select_related("subject").filter(pk=flag_id, handed_to=user).first()
    if flag is None:
        raise NotFound("flag")
    [flag] = withhold_clinical_text([flag])
    return flag


def is_safety_team(user: User | AnonymousUser) -> bool:
    """Moderators and staff (with their second factor): the team behind the flags."""
    return can_moderate(user) or can_review_escalations(user)


def access_member_support_conversation(
    user: User | AnonymousUser, conversation_id: int
) -> SupportConversation:
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


def staff_support_conversations(user: User | AnonymousUser) -> QuerySet[SupportConversation]:
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


def support_inbox_for(user: User | AnonymousUser) -> QuerySet[SupportConversation]:
    """The conversations on ``user``'s support inbox: the team's for moderators and staff,
    a facilitator's own; anyone else has no inbox (the same 404 as a missing page)."""
    if is_safety_team(user):
        return staff_support_conversations(user).filter(side=SupportSide.TEAM)
    if user.is_authenticated and user.has_role(Role.FACILITATOR):
        return staff_support_conversations(user)
    raise NotFound("page")


def can_write_support(user: User | AnonymousUser, conversation: SupportConversation) -> bool:
    """The team writes in the team's conversations; a facilitator only in their own."""
    if conversation.side == SupportSide.TEAM:
        return is_safety_team(user)
    return bool(
        user.is_authenticated
        and user.has_role(Role.FACILITATOR)
        and conversation.staff_id == user.pk
    )


def access_staff_support_conversation(
    user: User | AnonymousUser,
    conversation_id: int,
    *,
    write: bool = False,
    audit: bool = True,
    request: HttpRequest | None = None,
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


# Where blocked_user_ids keeps its answer on the user object.
_BLOCKED_IDS = "_blocked_ids"


def blocked_user_ids(user: User | AnonymousUser) -> set[int]:
    """Everyone ``user`` has blocked or been blocked by: hidden both ways.

    Cached on the user object for the request (one query per page, however many
    lists a page filters); block and unblock clear it.
    """
    if not user.is_authenticated:
        return set()
    cached: set[int] | None = getattr(user, _BLOCKED_IDS, None)
    if cached is None:
        from kindred.safety.models import Block

        pairs = Block.objects.filter(Q(blocker=user) | Q(blocked=user)).values_list(
            "blocker_id", "blocked_id"
        )
        cached = {b if a == user.pk else a for a, b in pairs}
        setattr(user, _BLOCKED_IDS, cached)
    return set(cached)


def forget_blocks(*users: User) -> None:
    for user in users:
        user.__dict__.pop(_BLOCKED_IDS, None)
