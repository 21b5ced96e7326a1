"""Private support conversations: a member and the people who reached out after a flag.

A moderator's private message on a flag starts (or continues) the flag's *team*
conversation: the moderators write as one team and the member sees "the support team".
A group facilitator alerted that someone in their live room may be at risk starts their
own conversation with that person (:func:`do_facilitator_reach_out`). Either way the
member replies in the same thread, and each new message notifies the other side.

Privacy: bodies are encrypted at rest (``EncryptedTextField``) and never logged; audit
rows carry ids, never text. Reads from the supporting side are audited
(:func:`kindred.safety.access.access_staff_support_conversation`), as a therapist's reads
of secure messages are; the member reading their own thread is not. A member's reply is
screened like every text people write here, so a reply that says they are in danger
raises a flag for whoever is on duty, not only for the moderator who wrote.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.accounts.models import User
from kindred.audit.actions import record_event
from kindred.core.notifications import do_notify
from kindred.core.roles import Role
from kindred.safety import audit_names as safety_audit
from kindred.safety.actions import (
    SafetyActionError,
    ScreenOutcome,
    do_acknowledge,
    on_duty_moderators,
    screen_text,
)
from kindred.safety.models import (
    Flag,
    FlagStatus,
    SupportConversation,
    SupportMessage,
    SupportSide,
)

MAX_LENGTH = 4_000
SCREEN_AREA = "support"


@dataclass(frozen=True)
class Reply:
    message: SupportMessage
    screen: ScreenOutcome

    @property
    def flagged(self) -> bool:
        return self.screen.flag is not None


def member_url(conversation: SupportConversation) -> str:
    return reverse("safety_conversation", args=[conversation.pk])


def staff_url(conversation: SupportConversation) -> str:
    return reverse("safety_support_conversation", args=[conversation.pk])


def check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise SafetyActionError(_("Write a message first."))
    if len(body) > MAX_LENGTH:
        raise SafetyActionError(
            _("A message can be at most %(limit)s characters; this one has %(length)s.")
            % {"limit": f"{MAX_LENGTH:,}", "length": f"{len(body):,}"}
        )
    return body


def _store(conversation: SupportConversation, sender: User, body: str) -> SupportMessage:
    message = SupportMessage.objects.create(
        conversation=conversation,
        sender=sender,
        from_member=sender.pk == conversation.member_id,
        body=body,
    )
    conversation.last_message_at = message.created_at
    conversation.save(update_fields=["last_message_at"])
    return message


def _notify_member(conversation: SupportConversation, sender: User) -> None:
    if conversation.side == SupportSide.TEAM:
        title = _("A message from the Kindred support team")
    else:
        title = _("A message from %(handle)s, your group's facilitator") % {"handle": sender.handle}
    do_notify(
        [conversation.member], kind="safety.message", title=title, url=member_url(conversation)
    )


def do_reach_out(moderator: User, flag: Flag, body: str) -> SupportMessage:
    """Write privately to the flag's subject in the flag's team conversation.

    Caller checked ``access_flag(write=True)``. An open flag is acknowledged on the way:
    someone is on it.
    """
    body = check_body(body)
    subject = flag.subject
    if subject is None:
        raise SafetyActionError(_("This flag has no person to write to."))
    with transaction.atomic():
        if flag.status == FlagStatus.OPEN:
            flag = do_acknowledge(moderator, flag)
        # The constraint keeps one team conversation per flag; get_or_create takes the
        # other moderator's when two write first at once.
        conversation, _created = SupportConversation.objects.get_or_create(
            flag=flag,
            side=SupportSide.TEAM,
            # No context: a flag's context can quote a report, and the member must
            # never learn from it who reported them or what they said.
            defaults={"member": subject, "staff": moderator},
        )
        message = _store(conversation, moderator, body)
        record_event(
            actor=moderator,
            event=safety_audit.REACHED_OUT,
            target=flag,
            changes={"message": message.pk, "conversation": conversation.pk},
        )
        _notify_member(conversation, moderator)
    return message


def do_facilitator_reach_out(
    facilitator: User, flag: Flag, body: str, *, context: str
) -> SupportMessage:
    """A facilitator's private, supportive message to the person their room's flag is about.

    Precondition: the caller (the groups app) checked that ``facilitator`` runs the
    session whose room raised ``flag``. The moderators see the conversation on the flag.
    """
    body = check_body(body)
    if flag.subject is None:
        raise SafetyActionError(_("This flag has no person to write to."))
    with transaction.atomic():
        conversation, _created = SupportConversation.objects.get_or_create(
            flag=flag,
            side=SupportSide.FACILITATOR,
            staff=facilitator,
            defaults={"member": flag.subject, "context": context[:120]},
        )
        message = _store(conversation, facilitator, body)
        record_event(
            actor=facilitator,
            event=safety_audit.SUPPORT_MESSAGE_SENT,
            target=conversation,
            changes={"message": message.pk, "flag": flag.pk, "side": conversation.side},
        )
        _notify_member(conversation, facilitator)
    return message


def do_send_support(sender: User, conversation: SupportConversation, body: str) -> SupportMessage:
    """A message from the supporting side of an existing conversation.

    Caller checked ``access_staff_support_conversation(write=True)``.
    """
    body = check_body(body)
    with transaction.atomic():
        message = _store(conversation, sender, body)
        record_event(
            actor=sender,
            event=safety_audit.SUPPORT_MESSAGE_SENT,
            target=conversation,
            changes={"message": message.pk, "side": conversation.side},
        )
        _notify_member(conversation, sender)
    return message


def _who_to_tell(conversation: SupportConversation) -> list[User]:
    """The supporting side to notify of a member's reply.

    Team: every moderator who wrote in it (still active and still a moderator); when none
    is left, whoever is on duty, so a reply never lands with nobody. Facilitator: the
    facilitator who wrote.
    """
    if conversation.side == SupportSide.FACILITATOR:
        staff = conversation.staff
        return [staff] if staff is not None and staff.is_active else []
    writer_ids = conversation.messages.filter(from_member=False).values("sender_id")
    writers = list(
        User.objects.filter(pk__in=writer_ids, is_active=True, roles__role=Role.MODERATOR)
        .exclude(pk=conversation.member_id)
        .distinct()
    )
    return writers or list(on_duty_moderators())


def do_member_reply(member: User, conversation: SupportConversation, body: str) -> Reply:
    """The member's reply; caller checked ``access_member_support_conversation``."""
    if member.pk != conversation.member_id:
        raise SafetyActionError(_("Only the person this conversation is with can reply here."))
    body = check_body(body)
    with transaction.atomic():
        message = _store(conversation, member, body)
        screen = screen_text(
            member,
            body,
            area=SCREEN_AREA,
            source_type="safety.support_message",
            source_id=message.pk,
            context="reply to the support team"
            if conversation.side == SupportSide.TEAM
            else "reply to their group's facilitator",
            scope=SCREEN_AREA,
        )
        if screen.result.level != message.risk_level:
            message.risk_level = screen.result.level
            message.save(update_fields=["risk_level"])
        flagged = screen.flag is not None
        record_event(
            actor=member,
            event=safety_audit.SUPPORT_REPLY,
            target=conversation,
            changes={"message": message.pk, "flagged": flagged},
        )
        # Titles travel by digest and real-time push: never the reply itself.
        if flagged:
            title = _("%(handle)s's reply may need urgent attention") % {"handle": member.handle}
        else:
            title = _("%(handle)s replied to your message") % {"handle": member.handle}
        do_notify(
            _who_to_tell(conversation),
            kind="safety.reply",
            title=title,
            url=staff_url(conversation),
        )
    return Reply(message, screen)


def do_mark_read(user: User, conversation: SupportConversation, *, as_member: bool) -> int:
    """Mark the other side's messages read; a moderator reading a facilitator's
    conversation (read-only for them) is not its other side and marks nothing."""
    return (
        SupportMessage.objects.filter(
            conversation=conversation, read_at__isnull=True, from_member=not as_member
        )
        .exclude(sender_id=user.pk)
        .update(read_at=timezone.now())
    )


def with_unread(
    conversations: QuerySet[SupportConversation], *, for_member: bool
) -> QuerySet[SupportConversation]:
    """Annotate ``unread``: messages from the other side not read yet (one query)."""
    from_other = Q(messages__from_member=not for_member, messages__read_at__isnull=True)
    return conversations.annotate(unread=Count("messages", filter=from_other))


def team_replies_waiting(limit: int = 50) -> QuerySet[SupportConversation]:
    """Team conversations with replies no moderator has read yet, oldest waiting first."""
    waiting = SupportMessage.objects.filter(
        conversation=OuterRef("pk"), from_member=True, read_at__isnull=True
    )
    team = SupportConversation.objects.filter(Exists(waiting), side=SupportSide.TEAM)
    return (
        with_unread(team, for_member=False)
        .select_related("member", "flag")
        .order_by("last_message_at")[:limit]
    )
