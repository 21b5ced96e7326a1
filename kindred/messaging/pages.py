"""The pieces both sides of a conversation page share."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render

from kindred.accounts.models import User
from kindred.core.http import AuthedHttpRequest
from kindred.core.ratelimit import RateLimited, limit, too_many_requests
from kindred.messaging import actions
from kindred.messaging.access import is_open
from kindred.messaging.forms import MessageForm
from kindred.messaging.models import Conversation
from kindred.safety.crisis import crisis_context

SUPPORT_SESSION_KEY = "messaging_show_support"
# Levels at which the screen raises a flag; the therapist sees a marker, never a score.
URGENT_LEVELS = ("moderate", "high")


def with_unread(conversations: QuerySet[Conversation], user: User) -> QuerySet[Conversation]:
    """Annotate ``unread``: messages from the other person ``user`` has not read (one query)."""
    unread = Count(
        "messages", filter=Q(messages__read_at__isnull=True) & ~Q(messages__sender_id=user.pk)
    )
    return conversations.annotate(unread=unread)


def conversation_page(request: AuthedHttpRequest, conversation: Conversation) -> HttpResponse:
    """GET shows the conversation; POST sends a message, keeping the text on errors (422;
    429 when sending faster than ``RATE_LIMITS["messaging.message"]`` allows)."""
    form = MessageForm(request.POST or None)
    status = 200
    refusal = None
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                limit(request, "messaging.message")
                sent = actions.do_send_message(
                    request.user, conversation, form.cleaned_data["body"], request=request
                )
            except RateLimited as exc:
                form.add_error("body", str(exc))
                refusal = exc
            except actions.MessagingError as exc:
                form.add_error("body", str(exc))
            else:
                if sent.screen is not None and sent.screen.support:
                    request.session[SUPPORT_SESSION_KEY] = sent.screen.result.level
                return redirect(
                    actions.conversation_url(conversation, request.user) + "?draft=saved"
                )
    messages = list(conversation.messages.select_related("sender"))
    actions.do_mark_read(request.user, conversation)
    viewer_is_member = request.user.pk == conversation.member_id
    context: dict[str, Any] = {
        "conversation": conversation,
        "messages_list": messages,
        "form": form,
        "open": is_open(conversation),
        "closed_text": actions.CLOSED_TEXT,
        "other": conversation.therapist if viewer_is_member else conversation.member,
        "viewer_is_member": viewer_is_member,
        "post_url": actions.conversation_url(conversation, request.user),
        "max_length": actions.MAX_MESSAGE_LENGTH,
        "urgent_levels": URGENT_LEVELS,
    }
    support = request.session.pop(SUPPORT_SESSION_KEY, None) if viewer_is_member else None
    if support:
        crisis = crisis_context(request)
        context["support"] = support
        context["support_country"] = crisis["country"] or crisis["anywhere"]
    response = render(request, "messaging/conversation.html", context, status=status)
    return too_many_requests(response, refusal) if refusal else response
