"""A session's page: the live room, the check-in, the facilitator's tools, the rating.

Every tool is a POST that calls one ``do_*`` in :mod:`kindred.groups.actions` and
comes back to the page; the room's clients learn of the change through the engine
(``room:event`` in the browser, handled by ``groups/session.js``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Avg, Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kindred.accounts.models import User
from kindred.community.rendering import render_markdown
from kindred.core.access import NotFound
from kindred.core.http import AuthedHttpRequest
from kindred.groups import actions
from kindred.groups.access import (
    access_participant,
    access_session,
    access_session_risk_flag,
    attendance_of,
    can_join_room,
    can_manage_group,
    is_facilitator,
    is_signed_up,
    room_is_live,
    write_refusal,
)
from kindred.groups.forms import (
    CancelSessionForm,
    CheckInForm,
    HandForm,
    ParticipantActionForm,
    RateForm,
    ReachOutForm,
    UnmuteForm,
)
from kindred.groups.models import Attendance, GroupSession, SessionStatus
from kindred.safety.models import SupportConversation, SupportSide
from kindred.safety.support import staff_url


def _page_session(user: User, session_id: int) -> GroupSession:
    """The session, for its facilitators, its people and those who were there."""
    session = access_session(user, session_id)
    if can_manage_group(user, session.group) or is_signed_up(user, session):
        return session
    if Attendance.objects.filter(session=session, user=user).exists():
        return session
    raise NotFound("session")


@login_required
@require_GET
def session_page(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    user = request.user
    session = _page_session(user, session_id)
    group = session.group
    facilitating = is_facilitator(user, group)
    now = timezone.now()
    context: dict[str, Any] = {
        "session": session,
        "group": group,
        "when": actions.local_label(session.starts_at, user),
        "facilitating": facilitating,
        "norms_html": mark_safe(render_markdown(group.norms)),  # noqa: S308 (sanitised by nh3)
        "live": room_is_live(session, now),
        "ended": session.status == SessionStatus.ENDED,
        "cancelled": session.status == SessionStatus.CANCELLED,
    }
    if (
        session.status == SessionStatus.SCHEDULED
        and session.ends_at > now
        and (facilitating or can_manage_group(user, group))
    ):
        context["cancel_form"] = CancelSessionForm()
    room = actions.existing_room(session)
    attendance = attendance_of(user, session)
    if room is not None and room.is_open and can_join_room(user, session, now):
        if not facilitating:
            attendance = actions.do_record_room_visit(user, session)
        refusal = write_refusal(user, session)
        context.update(
            {
                "room": room,
                "ws_url": f"/ws/rooms/{room.pk}/",
                "can_write": refusal is None,
                "write_refusal": refusal,
                "hands": actions.hand_queue(session),
            }
        )
        if not facilitating and (attendance is None or attendance.checked_in_at is None):
            context["checkin_form"] = CheckInForm()
    context["attendance"] = attendance
    if (
        context["ended"]
        and attendance is not None
        and attendance.attended
        and attendance.rated_at is None
        and not facilitating
    ):
        context["rate_form"] = RateForm()
    if facilitating:
        context["participants"] = actions.participant_rows(session)
        if context["ended"]:
            context["ratings"] = Attendance.objects.filter(
                session=session, rating__isnull=False
            ).aggregate(count=Count("id"), average=Avg("rating"))
    return render(request, "groups/session.html", context)


def _tool(
    request: AuthedHttpRequest, session_id: int, run: Callable[[GroupSession], str | None]
) -> HttpResponse:
    session = access_session(request.user, session_id, write=True)
    try:
        done = run(session)
    except actions.GroupError as exc:
        messages.error(request, str(exc))
    else:
        if done:
            messages.success(request, done)
    return redirect("groups_session", session.pk)


@login_required
@require_POST
def open_room(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    def run(session: GroupSession) -> str:
        actions.do_open_session_room(request.user, session)
        return _("The room is open.")

    return _tool(request, session_id, run)


@login_required
@require_POST
def close_room(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    def run(session: GroupSession) -> str:
        actions.do_close_session_room(request.user, session)
        return _("The room is closed for now. You can open it again.")

    return _tool(request, session_id, run)


@login_required
@require_POST
def pin_norms(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    def run(session: GroupSession) -> str:
        actions.do_pin_norms(request.user, session)
        return _("The norms are pinned.")

    return _tool(request, session_id, run)


@login_required
@require_POST
def next_hand(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    def run(session: GroupSession) -> str:
        handle = actions.do_next_hand(request.user, session)
        if handle:
            return _("Over to %(handle)s.") % {"handle": handle}
        return _("No hands are raised.")

    return _tool(request, session_id, run)


@login_required
@require_POST
def mute(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    form = ParticipantActionForm(request.POST)

    def run(session: GroupSession) -> str:
        if not form.is_valid():
            raise actions.GroupError(_("Give a reason; the person sees it."))
        target = access_participant(session, form.cleaned_data["user"])
        actions.do_mute(request.user, session, target, form.cleaned_data["reason"])
        return _("%(handle)s is muted.") % {"handle": target.handle}

    return _tool(request, session_id, run)


@login_required
@require_POST
def unmute(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    form = UnmuteForm(request.POST)

    def run(session: GroupSession) -> str:
        if not form.is_valid():
            raise actions.GroupError(_("Choose someone."))
        target = access_participant(session, form.cleaned_data["user"])
        actions.do_unmute(request.user, session, target)
        return _("%(handle)s can write again.") % {"handle": target.handle}

    return _tool(request, session_id, run)


@login_required
@require_POST
def remove(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    form = ParticipantActionForm(request.POST)

    def run(session: GroupSession) -> str:
        if not form.is_valid():
            raise actions.GroupError(_("Give a reason; the person sees it."))
        target = access_participant(session, form.cleaned_data["user"])
        actions.do_remove(request.user, session, target, form.cleaned_data["reason"])
        return _("%(handle)s has been removed from this session.") % {"handle": target.handle}

    return _tool(request, session_id, run)


@login_required
@require_POST
def end_session(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    def run(session: GroupSession) -> str:
        summary = actions.do_end_session(request.user, session)
        return _("The session has ended. %(attended)s of %(signed_up)s signed-up people came.") % {
            "attended": summary["attended"],
            "signed_up": summary["signed_up"],
        }

    return _tool(request, session_id, run)


@login_required
def reach_out(request: AuthedHttpRequest, session_id: int, flag_id: int) -> HttpResponse:
    """Write privately to someone the risk alert was about (the alert links here).

    Once written, the conversation lives with the safety layer's support conversations,
    where the person's replies come back: a second visit goes straight there.
    """
    session = access_session(request.user, session_id, write=True)
    flag = access_session_risk_flag(session, flag_id)
    subject = flag.subject
    if subject is None:  # access_session_risk_flag returns flags about someone
        raise NotFound("flag")
    existing = SupportConversation.objects.filter(
        flag=flag, side=SupportSide.FACILITATOR, staff=request.user
    ).first()
    if existing is not None and request.method != "POST":
        return redirect(staff_url(existing))
    initial = {
        "body": _(
            "Hi %(handle)s, I noticed what you wrote in the group and wanted to check in with "
            "you privately. How are you doing right now? Are you safe?"
        )
        % {"handle": subject.handle}
    }
    form = ReachOutForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                message = actions.do_reach_out_privately(
                    request.user, session, flag, form.cleaned_data["body"]
                )
            except actions.GroupError as exc:
                form.add_error("body", str(exc))
            else:
                messages.success(
                    request,
                    _("Sent privately to %(handle)s. Their replies come back here.")
                    % {"handle": subject.handle},
                )
                return redirect(staff_url(message.conversation))
    return render(
        request,
        "groups/reach_out.html",
        {"session": session, "group": session.group, "subject": subject, "form": form},
        status=status,
    )


# --- Participants ------------------------------------------------------------------------


def _live_session(request: AuthedHttpRequest, session_id: int) -> GroupSession:
    session = _page_session(request.user, session_id)
    if not can_join_room(request.user, session):
        raise NotFound("session")
    return session


@login_required
@require_POST
def check_in(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    session = _live_session(request, session_id)
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            actions.do_check_in(
                request.user,
                session,
                mood_word=form.cleaned_data["mood_word"],
                passed=bool(form.cleaned_data["passed"]),
            )
        except actions.GroupError as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("groups_session", session.pk)


@login_required
@require_POST
def hand(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    session = _live_session(request, session_id)
    form = HandForm(request.POST)
    form.is_valid()
    try:
        actions.do_set_hand(request.user, session, bool(form.cleaned_data.get("raised")))
    except actions.GroupError as exc:
        messages.error(request, str(exc))
    return redirect("groups_session", session.pk)


@login_required
@require_POST
def rate(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    session = _page_session(request.user, session_id)
    form = RateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the answers."))
    else:
        try:
            actions.do_rate_session(request.user, session, form.cleaned_data["rating"])
        except actions.GroupError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("Thank you. Your facilitator sees only the overall picture.")
            )
    return redirect("groups_session", session.pk)
