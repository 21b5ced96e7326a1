"""Peer support pages under /peers/: profile, suggestions, requests, connections, chat.

Thin: parse with a form, call one action, render. Access is decided in
:mod:`kindred.peers.access` (same 404 for missing and not-yours).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from kindred.core.access import NotFound
from kindred.core.http import AuthedHttpRequest
from kindred.core.idempotency import KeyReused, fingerprint, once, previous
from kindred.core.ratelimit import RateLimited, limit, too_many_requests
from kindred.peers import actions, queries, taxonomy
from kindred.peers.access import (
    STATUS_LABELS,
    access_connection,
    access_own_profile,
    active_caseload,
    check_peers_user,
    is_supporter,
    own_profile,
    status_for,
    visible_connections,
)
from kindred.peers.chat import SUPPORTER_STEPS
from kindred.peers.forms import ProfileForm, RatingForm, ReportForm, RequestForm, TrainingForm
from kindred.peers.models import Connection, ConnectionStatus, Rating
from kindred.peers.queries import has_conversation
from kindred.peers.suggestions import suggestions_for
from kindred.safety.actions import SafetyActionError, report_ref
from kindred.safety.crisis import crisis_context
from kindred.safety.views import report_refused

REPORTED = _lazy(
    "Thank you. A moderator will look at this. The person is not told who reported them."
)


def _support(request: AuthedHttpRequest, screen: Any) -> None:
    """Tell the writer, privately, where help is when what they wrote worried the screen."""
    if screen is not None and screen.support:
        request.session["peers_support"] = True


def _pop_support(request: AuthedHttpRequest) -> dict[str, Any]:
    """Context for ``safety/_support.html``, once, after a write that asked for it."""
    if not request.session.pop("peers_support", False):
        return {}
    crisis = crisis_context(request)
    return {"support": True, "support_country": crisis["country"] or crisis["anywhere"]}


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    check_peers_user(request.user)
    profile = own_profile(request.user)
    incoming = list(
        visible_connections(request.user).filter(
            recipient=request.user, status=ConnectionStatus.PENDING
        )
    )
    active = list(visible_connections(request.user).filter(status=ConnectionStatus.ACTIVE))
    context: dict[str, Any] = {
        "profile": profile,
        "incoming": incoming,
        "active": [
            (c, c.recipient if c.requester_id == request.user.pk else c.requester) for c in active
        ],
        "is_supporter": is_supporter(request.user),
    }
    if context["is_supporter"] and profile is not None:
        context["caseload"] = active_caseload(request.user)
        context["caseload_limit"] = profile.caseload_limit
    return render(request, "peers/home.html", context)


@login_required
def profile(request: AuthedHttpRequest) -> HttpResponse:
    check_peers_user(request.user)
    own = own_profile(request.user)
    if own is None:
        return redirect("peers_profile_edit")
    today = timezone.localdate()
    trainings = [(t, t.is_expired(today)) for t in own.trainings.all()]
    return render(
        request,
        "peers/profile.html",
        {
            "profile": own,
            "tags": [taxonomy.TAGS[t] for t in own.tag_ids if t in taxonomy.TAGS],
            "slots": [taxonomy.AVAILABILITY_SLOTS.get(s, s) for s in own.availability],
            "trainings": trainings,
            "is_supporter": is_supporter(request.user),
            "training_form": TrainingForm(),
            **_pop_support(request),
        },
    )


@login_required
def edit_profile(request: AuthedHttpRequest) -> HttpResponse:
    check_peers_user(request.user)
    own = own_profile(request.user)
    options = {
        "supporter": is_supporter(request.user),
        "teen": request.user.age_band == "teen",
    }
    if request.method == "POST":
        form = ProfileForm(request.POST, **options)
        if form.is_valid():
            try:
                saved = actions.do_save_profile(request.user, form.cleaned_data, request=request)
            except actions.PeersError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, str(exc))
            else:
                _support(request, saved.screen)
                messages.success(request, _("Your peer profile is saved."))
                return redirect("peers_profile")
        status = 422
    else:
        initial = ProfileForm.initial_from(own) if own else {"timezone": request.user.timezone}
        form = ProfileForm(initial=initial, **options)
        status = 200
    return render(request, "peers/edit_profile.html", {"form": form, "profile": own}, status=status)


@login_required
def delete_profile(request: AuthedHttpRequest) -> HttpResponse:
    access_own_profile(request.user)
    if request.method == "POST":
        actions.do_delete_profile(request.user, request=request)
        messages.success(request, _("Your peer profile and your story are deleted."))
        return redirect("peers_home")
    return render(request, "peers/delete_profile.html")


@login_required
@require_POST
def add_training(request: AuthedHttpRequest) -> HttpResponse:
    access_own_profile(request.user)
    if not is_supporter(request.user):
        raise NotFound("page")
    form = TrainingForm(request.POST)
    if form.is_valid():
        try:
            actions.do_add_training(request.user, **form.cleaned_data, request=request)
        except actions.PeersError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, _("Training added."))
            return redirect("peers_profile")
    own = access_own_profile(request.user)
    today = timezone.localdate()
    return render(
        request,
        "peers/profile.html",
        {
            "profile": own,
            "tags": [taxonomy.TAGS[t] for t in own.tag_ids if t in taxonomy.TAGS],
            "slots": [taxonomy.AVAILABILITY_SLOTS.get(s, s) for s in own.availability],
            "trainings": [(t, t.is_expired(today)) for t in own.trainings.all()],
            "is_supporter": True,
            "training_form": form,
        },
        status=422,
    )


@login_required
@require_POST
def remove_training(request: AuthedHttpRequest, training_id: int) -> HttpResponse:
    check_peers_user(request.user)
    actions.do_remove_training(request.user, training_id, request=request)
    messages.success(request, _("Training removed."))
    return redirect("peers_profile")


@login_required
def suggestions(request: AuthedHttpRequest) -> HttpResponse:
    return _suggestions_page(request)


def _suggestions_page(
    request: AuthedHttpRequest, *, draft: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """The suggestions; ``draft`` is a request that was not sent (recipient, note, why),
    shown again at the top so the note is not lost."""
    check_peers_user(request.user)
    own = own_profile(request.user)
    if own is None:
        messages.info(request, _("Create your peer profile first, then we can suggest people."))
        return redirect("peers_profile_edit")
    return render(
        request,
        "peers/suggestions.html",
        {
            "suggestions": suggestions_for(request.user),
            "form": RequestForm(),
            "today": timezone.localdate(),
            "draft": draft,
        },
        status=status,
    )


@login_required
@require_POST
def hide(request: AuthedHttpRequest, user_id: int) -> HttpResponse:
    actions.do_hide_suggestion(request.user, user_id)
    messages.success(request, _("We won't suggest them again."))
    return redirect("peers_suggestions")


@login_required
@require_POST
def send_request(request: AuthedHttpRequest, user_id: int) -> HttpResponse:
    form = RequestForm(request.POST)
    if form.is_valid():
        try:
            limit(request, "peers.request")
        except RateLimited as exc:
            draft = {"user_id": user_id, "note": form.cleaned_data["note"], "error": str(exc)}
            page = _suggestions_page(request, draft=draft)
            return too_many_requests(page, exc) if page.status_code == 200 else page
        try:
            sent = actions.do_request(
                request.user, user_id, form.cleaned_data["note"], request=request
            )
        except actions.PeersError as exc:
            messages.error(request, str(exc))
            return redirect("peers_suggestions")
        _support(request, sent.screen)
        messages.success(request, _("Request sent. We will let you know when they answer."))
        return redirect("peers_connection", sent.connection.pk)
    messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("peers_suggestions")


@login_required
def connections(request: AuthedHttpRequest) -> HttpResponse:
    check_peers_user(request.user)
    context: dict[str, Any] = {"rows": queries.connections_of(request.user)}
    if is_supporter(request.user):
        own = own_profile(request.user)
        context["caseload"] = active_caseload(request.user)
        context["caseload_limit"] = own.caseload_limit if own else None
    return render(request, "peers/connections.html", context)


def _room_context(request: AuthedHttpRequest, connection: Connection) -> dict[str, Any]:
    if connection.status != ConnectionStatus.ACTIVE:
        return {}
    try:
        get_template("rooms/_room.html")
    except TemplateDoesNotExist:
        return {"chat_unavailable": True}
    from kindred.peers.chat import room_for, ws_url

    room = room_for(connection)
    return {"room": room, "ws_url": ws_url(room), "can_write": room.is_open}


@login_required
def connection(request: AuthedHttpRequest, connection_id: int) -> HttpResponse:
    conn = access_connection(request.user, connection_id)
    other = conn.recipient if conn.requester_id == request.user.pk else conn.requester
    status = status_for(request.user, conn)
    rating = Rating.objects.filter(connection=conn, rater=request.user).first()
    context = {
        "connection": conn,
        "other": other,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "incoming": conn.recipient_id == request.user.pk,
        # The requester's own note is theirs to read; the recipient reads it to decide.
        "note": conn.note,
        "rating": rating,
        # Someone who already rated keeps their rating in view; otherwise wait for a talk.
        "show_rating": rating is not None or has_conversation(conn),
        "rating_form": RatingForm(initial={"stars": rating.stars} if rating else None),
        "report_form": ReportForm(),
        "supporter_steps": SUPPORTER_STEPS if conn.supporter_id == request.user.pk else (),
        **_pop_support(request),
        **_room_context(request, conn),
    }
    return render(request, "peers/connection.html", context)


CONNECTION_ACTIONS = {
    "accept": (actions.do_accept, _lazy("You are connected. Say hello when you are ready.")),
    "decline": (
        actions.do_decline,
        _lazy("Declined. They will not be told why, or that you declined."),
    ),
    "withdraw": (actions.do_withdraw, _lazy("Request withdrawn.")),
    "end": (actions.do_end, _lazy("The connection has ended.")),
}


@login_required
@require_POST
def connection_action(request: AuthedHttpRequest, connection_id: int, action: str) -> HttpResponse:
    conn = access_connection(request.user, connection_id)
    if action == "block":
        actions.do_block_peer(request.user, conn, request=request)
        messages.success(request, _("Blocked. You will not see each other in peer support again."))
        return redirect("peers_connections")
    if action not in CONNECTION_ACTIONS:
        raise NotFound("page")
    do, done = CONNECTION_ACTIONS[action]
    try:
        do(request.user, conn, request=request)
    except actions.PeersError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("peers_connection", conn.pk)


@login_required
@require_POST
def rate(request: AuthedHttpRequest, connection_id: int) -> HttpResponse:
    conn = access_connection(request.user, connection_id)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            actions.do_rate(request.user, conn, **form.cleaned_data, request=request)
        except actions.PeersError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Thank you for your rating."))
    else:
        messages.error(request, _("Choose 1 to 5 stars."))
    return redirect("peers_connection", conn.pk)


@login_required
@require_POST
def report(request: AuthedHttpRequest, connection_id: int) -> HttpResponse:
    conn = access_connection(request.user, connection_id)
    form = ReportForm(request.POST)
    if form.is_valid():
        fields = form.fields_for_action()
        key = form.cleaned_data["idempotency_key"]
        print_ = fingerprint("peers.report", conn.pk, fields)
        try:
            if previous(request.user, key, print_) is None:
                once(
                    request.user,
                    key,
                    print_,
                    lambda: actions.do_report_peer(request.user, conn, **fields),
                    report_ref,
                )
        except (SafetyActionError, KeyReused) as exc:
            error = exc if isinstance(exc, SafetyActionError) else SafetyActionError(str(exc))
            # The report form, filled in with what they wrote, and why it was not sent.
            data = {
                **fields,
                "source_type": "peers.connection",
                "source_id": str(conn.pk),
            }
            return report_refused(request, data, error)
        messages.success(request, REPORTED)
    else:
        messages.error(request, _("Choose what is wrong."))
    return redirect("peers_connection", conn.pk)
