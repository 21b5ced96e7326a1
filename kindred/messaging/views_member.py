"""The member's therapists (``/my/therapists/``) and conversations (``/my/messages/``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kindred.bookings.models import Booking, BookingStatus
from kindred.bookings.relationships import treating_therapists
from kindred.core.http import AuthedHttpRequest
from kindred.messaging import actions
from kindred.messaging.access import access_member_conversation, access_treating_therapist
from kindred.messaging.models import Conversation
from kindred.messaging.pages import conversation_page, with_unread


@login_required
def my_therapists(request: AuthedHttpRequest) -> HttpResponse:
    # Three queries whatever the number of therapists, bookings or messages.
    therapists = list(treating_therapists(request.user))
    upcoming = Booking.objects.filter(
        member=request.user,
        therapist__in=[t.pk for t in therapists],
        status=BookingStatus.BOOKED,
        starts_at__gt=timezone.now(),
    ).order_by("starts_at")
    next_session: dict[int, Booking] = {}
    for booking in upcoming:
        next_session.setdefault(booking.therapist_id, booking)
    conversations = {
        c.therapist_id: c
        for c in with_unread(
            Conversation.objects.filter(member=request.user).select_related("therapist"),
            request.user,
        )
    }
    rows = [
        {
            "therapist": t,
            "next_session": next_session.get(t.pk),
            "conversation": conversations.pop(t.pk, None),
        }
        for t in therapists
    ]
    past = sorted(conversations.values(), key=lambda c: c.therapist.handle)
    return render(request, "messaging/my_therapists.html", {"rows": rows, "past": past})


@login_required
@require_POST
def start(request: AuthedHttpRequest, therapist_id: int) -> HttpResponse:
    therapist = access_treating_therapist(request.user, therapist_id)
    conversation = actions.do_start_conversation(
        request.user, therapist, actor=request.user, request=request
    )
    return redirect("my_conversation", conversation.pk)


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    return redirect("my_therapists")


@login_required
def conversation(request: AuthedHttpRequest, conversation_id: int) -> HttpResponse:
    return conversation_page(request, access_member_conversation(request.user, conversation_id))
