"""Starting conversations, sending and reading secure messages."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _lazy

from kindred.accounts.models import User
from kindred.audit.actions import record_event
from kindred.core.access import NotFound
from kindred.core.notifications import do_notify
from kindred.messaging import audit_names as messaging_audit
from kindred.messaging.access import is_open
from kindred.messaging.models import Conversation, Message
from kindred.safety import outreach
from kindred.safety.actions import SafetyActionError, ScreenOutcome, screen_text
from kindred.safety.models import THERAPY_SCOPE

MAX_MESSAGE_LENGTH = 5_000

CLOSED_TEXT = _lazy(
    "This conversation is closed because you are no longer in treatment together. "
    "You can still read it, but new messages cannot be sent."
)


class MessagingError(Exception):
    """The message cannot be sent (the text is shown to the writer)."""


@dataclass(frozen=True)
class Sent:
    message: Message
    # Only for a member's message; ``None`` when the therapist wrote.
    screen: ScreenOutcome | None

    @property
    def flagged(self) -> bool:
        return self.screen is not None and self.screen.flag is not None


def conversation_url(conversation: Conversation, user: User) -> str:
    """Where ``user`` (one of the two participants) reads the conversation."""
    if user.pk == conversation.therapist_id:
        return reverse("therapist_conversation", args=[conversation.pk])
    return reverse("my_conversation", args=[conversation.pk])


def do_start_conversation(
    member: User,
    therapist: User,
    *,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> Conversation:
    """The conversation between the two, created if needed; ``actor`` (who started it)
    defaults to the member.

    Precondition: the caller checked the treatment relationship
    (``access_treating_therapist`` or ``access_client``).
    """
    with transaction.atomic():
        conversation, created = Conversation.objects.get_or_create(
            member=member, therapist=therapist
        )
        if created:
            record_event(
                actor=actor or member,
                event=messaging_audit.CONVERSATION_STARTED,
                target=conversation,
                changes={"member": member.pk, "therapist": therapist.pk},
                request=request,
            )
    return conversation


def check_send_message(sender: User, conversation: Conversation, body: str) -> str:
    """The text to store, or :class:`MessagingError` saying why it cannot be sent."""
    if sender.pk not in (conversation.member_id, conversation.therapist_id):
        raise NotFound("conversation")
    body = (body or "").strip()
    if not body:
        raise MessagingError(gettext("Write a message first."))
    if len(body) > MAX_MESSAGE_LENGTH:
        raise MessagingError(
            gettext(
                "A message can be at most %(limit)s characters; this one has "
                "%(length)s. Please shorten it or send it in parts."
            )
            % {"limit": f"{MAX_MESSAGE_LENGTH:,}", "length": f"{len(body):,}"}
        )
    if not is_open(conversation):
        raise MessagingError(str(CLOSED_TEXT))
    return body


def do_send_message(
    sender: User, conversation: Conversation, body: str, *, request: HttpRequest | None = None
) -> Sent:
    body = check_send_message(sender, conversation, body)
    from_member = sender.pk == conversation.member_id
    recipient = conversation.therapist if from_member else conversation.member
    with transaction.atomic():
        message = Message.objects.create(conversation=conversation, sender=sender, body=body)
        screen = None
        if from_member:
            screen = screen_text(
                sender,
                body,
                area="therapy",
                source_type="messaging.message",
                source_id=message.pk,
                context="secure message to their therapist",
                # A flag on it is the therapist's to read, nobody else's: only the two
                # of them see the conversation (kindred/messaging/access.py).
                scope=THERAPY_SCOPE,
                clinicians=[conversation.therapist],
            )
            if screen.result.level != message.risk_level:
                message.risk_level = screen.result.level
                message.save(update_fields=["risk_level"])
        conversation.last_message_at = message.created_at
        conversation.save(update_fields=["last_message_at"])
        flagged = screen is not None and screen.flag is not None
        record_event(
            actor=sender,
            event=messaging_audit.MESSAGE_SENT,
            target=message,
            changes={"conversation": conversation.pk, "flagged": flagged},
            request=request,
        )
        # Titles travel by email digest and real-time push: never the message itself.
        if flagged:
            title = f"A new message from {sender.handle} may need urgent attention"
        else:
            title = f"New secure message from {sender.handle}"
        do_notify(
            [recipient],
            kind="messaging.message",
            title=title,
            url=conversation_url(conversation, recipient),
        )
    return Sent(message, screen)


def do_mark_read(user: User, conversation: Conversation) -> int:
    """Mark the other person's messages as read by ``user``; returns how many."""
    return (
        Message.objects.filter(conversation=conversation, read_at__isnull=True)
        .exclude(sender_id=user.pk)
        .update(read_at=timezone.now())
    )


def send_from_handover(therapist: User, member: User, body: str) -> outreach.Sent:
    """A therapist writes to a member from a safety flag handed over to them (registered
    as :mod:`kindred.safety.outreach`'s messenger)."""
    conversation = do_start_conversation(member, therapist, actor=therapist)
    try:
        sent = do_send_message(therapist, conversation, body)
    except MessagingError as exc:
        raise SafetyActionError(str(exc)) from None
    return outreach.Sent(conversation_id=conversation.pk, message_id=sent.message.pk)
