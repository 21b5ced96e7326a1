"""A therapist's conversations with clients (``/therapist/messages/``; role-gated)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kindred.bookings.relationships import clients_of
from kindred.core.http import AuthedHttpRequest
from kindred.messaging import actions
from kindred.messaging.access import access_client, access_therapist_conversation
from kindred.messaging.models import Conversation
from kindred.messaging.pages import conversation_page, with_unread


def index(request: AuthedHttpRequest) -> HttpResponse:
    # Two queries whatever the number of conversations or messages.
    conversations = list(
        with_unread(
            Conversation.objects.filter(therapist=request.user).select_related("member"),
            request.user,
        ).order_by("-last_message_at", "-pk")
    )
    clients = list(clients_of(request.user))
    client_ids = {c.pk for c in clients}
    talking_to = {c.member_id for c in conversations}
    rows = [{"conversation": c, "open": c.member_id in client_ids} for c in conversations]
    without = [c for c in clients if c.pk not in talking_to]
    return render(request, "messaging/therapist_index.html", {"rows": rows, "without": without})


@require_POST
def start(request: AuthedHttpRequest, member_id: int) -> HttpResponse:
    member = access_client(request.user, member_id)
    conversation = actions.do_start_conversation(
        member, request.user, actor=request.user, request=request
    )
    return redirect("therapist_conversation", conversation.pk)


def conversation(request: AuthedHttpRequest, conversation_id: int) -> HttpResponse:
    return conversation_page(
        request, access_therapist_conversation(request.user, conversation_id, request=request)
    )
