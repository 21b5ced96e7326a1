"""Who may see and write in a secure conversation.

* Only its two participants see a conversation: the member on member pages, the
  therapist on therapist pages. Everyone else (another therapist, moderators, staff,
  another member) gets the same :class:`NotFound` as for a missing id.
* A conversation is *open* for new messages only while the therapist treats the
  member (:mod:`kindred.bookings.relationships`); afterwards both can still read it.
* Every read by the therapist is audited: the member's messages are clinical data.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from kindred.accounts.models import User
from kindred.audit.actions import record_read
from kindred.bookings.relationships import clients_of, treating_therapists
from kindred.core.access import NotFound
from kindred.messaging.models import Conversation


def is_open(conversation: Conversation) -> bool:
    return treating_therapists(conversation.member).filter(pk=conversation.therapist_id).exists()


def access_treating_therapist(member: User, therapist_id: int) -> User:
    """A therapist who treats ``member`` now (to start a conversation with)."""
    therapist = treating_therapists(member).filter(pk=therapist_id).first()
    if therapist is None:
        raise NotFound("therapist")
    return therapist


def access_client(therapist: User, member_id: int) -> User:
    """A member whom ``therapist`` treats now (to start a conversation with)."""
    member = clients_of(therapist).filter(pk=member_id).first()
    if member is None:
        raise NotFound("client")
    return member


def access_member_conversation(user: User | AnonymousUser, conversation_id: int) -> Conversation:
    """The member's own conversation (member pages only)."""
    conversation = (
        Conversation.objects.select_related("member", "therapist")
        .filter(pk=conversation_id, member_id=getattr(user, "pk", None))
        .first()
    )
    if conversation is None:
        raise NotFound("conversation")
    return conversation


def access_therapist_conversation(
    user: User | AnonymousUser,
    conversation_id: int,
    *,
    audit: bool = True,
    request: HttpRequest | None = None,
) -> Conversation:
    """The therapist's conversation with a client (therapist pages only).

    ``audit=False`` only where the caller shows none of the messages (a POST whose
    action writes its own audit row).
    """
    conversation = (
        Conversation.objects.select_related("member", "therapist")
        .filter(pk=conversation_id, therapist_id=getattr(user, "pk", None))
        .first()
    )
    if conversation is None:
        raise NotFound("conversation")
    if audit:
        record_read(actor=user, target=conversation, request=request, what="secure messages")
    return conversation
