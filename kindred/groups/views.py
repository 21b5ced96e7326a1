"""Group pages: the list, a group, sign-up, starting a group, calendar files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.bookings import feeds
from kindred.community.access import access_space, visible_spaces
from kindred.community.rendering import render_markdown
from kindred.core import calendar
from kindred.core.access import NotFound
from kindred.core.http import AuthedHttpRequest
from kindred.core.roles import Role
from kindred.groups import actions
from kindred.groups.access import (
    access_group,
    access_session,
    is_facilitator,
    is_groups_staff,
    is_signed_up,
    visible_groups,
)
from kindred.groups.calendar import session_event
from kindred.groups.forms import GroupForm, SessionChoiceForm
from kindred.groups.models import Group, GroupSession, SessionStatus, SignUp, SignUpStatus
from kindred.groups.queries import places, upcoming_with_places
from kindred.groups.schedule import describe

SESSIONS_SHOWN = 6


def group_rows(groups: list[Group], now: Any) -> list[dict[str, Any]]:
    """Each group with its next session and places left, in a constant number of queries."""
    upcoming = list(
        GroupSession.objects.filter(
            group__in=groups, status=SessionStatus.SCHEDULED, ends_at__gt=now
        ).order_by("group_id", "starts_at")
    )
    next_by_group: dict[int, GroupSession] = {}
    for session in upcoming:
        next_by_group.setdefault(session.group_id, session)
    counted = places(groups)
    rows = []
    for group in groups:
        nxt = next_by_group.get(group.pk)
        rows.append(
            {
                "group": group,
                "next": nxt,
                "schedule": describe(group.recurrence, group.first_starts_at_local, group.timezone),
                "places_left": counted.left(group, nxt),
            }
        )
    return rows


def group_list(request: HttpRequest) -> HttpResponse:
    groups = list(visible_groups(request.user).select_related("space"))
    now = timezone.now()
    mine = []
    if request.user.is_authenticated:
        mine = list(actions.upcoming_for(request.user, now)[:SESSIONS_SHOWN])
    return render(
        request,
        "groups/list.html",
        {
            "rows": group_rows(groups, now),
            "mine": [(s, actions.local_label(s.starts_at, request.user)) for s in mine],
            "can_create": request.user.is_authenticated and request.user.has_role(Role.FACILITATOR),
        },
    )


def group_detail(request: HttpRequest, group_id: int) -> HttpResponse:
    group = access_group(request.user, group_id)
    now = timezone.now()
    user = request.user
    facilitating = is_facilitator(user, group)
    upcoming = upcoming_with_places(group, now, shown=SESSIONS_SHOWN, include_cancelled=True)
    mine = {}
    if user.is_authenticated:
        mine = {
            s.session_id or 0: s
            for s in SignUp.objects.filter(group=group, user=user).exclude(status=SignUpStatus.LEFT)
        }
    session_rows = []
    for row in upcoming.sessions:
        session = row.session
        signup = mine.get(session.pk) if group.per_session else mine.get(0)
        session_rows.append(
            {
                "session": session,
                "when": actions.local_label(session.starts_at, user),
                "signup": signup,
                "places_left": row.places_left,
                "position": actions.waitlist_position(signup)
                if signup and signup.status == SignUpStatus.WAITLISTED
                else None,
            }
        )
    group_signup = None if group.per_session else mine.get(0)
    roster = []
    if facilitating:
        roster = list(
            SignUp.objects.filter(group=group)
            .exclude(status=SignUpStatus.LEFT)
            .select_related("user", "session")
            .order_by("session__starts_at", "status", "queued_at")
        )
    return render(
        request,
        "groups/detail.html",
        {
            "group": group,
            "schedule": describe(group.recurrence, group.first_starts_at_local, group.timezone),
            "norms_html": mark_safe(render_markdown(group.norms)),  # noqa: S308 (sanitised by nh3)
            "facilitators": list(group.facilitators.all()),
            "session_rows": session_rows,
            "group_signup": group_signup,
            "group_position": actions.waitlist_position(group_signup)
            if group_signup and group_signup.status == SignUpStatus.WAITLISTED
            else None,
            "places_left": upcoming.places_left,
            "waiting_count": SignUp.objects.filter(
                group=group, session__isnull=True, status=SignUpStatus.WAITLISTED
            ).count()
            if group.is_waiting_for_quorum
            else None,
            "facilitating": facilitating,
            "managing": facilitating or is_groups_staff(user),
            "roster": roster,
        },
    )


def _session_from_form(request: HttpRequest, group: Group) -> GroupSession | None:
    form = SessionChoiceForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["session"]:
        return None
    session = access_session(request.user, form.cleaned_data["session"])
    if session.group_id != group.pk:
        raise NotFound("session")
    return session


@login_required
@require_POST
def join(request: AuthedHttpRequest, group_id: int) -> HttpResponse:
    group = access_group(request.user, group_id)
    try:
        signup = actions.do_join(request.user, group, _session_from_form(request, group))
    except actions.GroupError as exc:
        messages.error(request, str(exc))
    else:
        if signup.status == SignUpStatus.JOINED:
            messages.success(request, _("You have a place. A reminder will come before it starts."))
        elif group.is_waiting_for_quorum:
            messages.success(
                request, _("You're on the list. We'll tell you when enough people are waiting.")
            )
        else:
            messages.success(
                request,
                _(
                    "It's full, so you're on the waitlist (number %(position)s). "
                    "If a place opens, you get it automatically and we'll tell you."
                )
                % {"position": actions.waitlist_position(signup)},
            )
    return redirect("groups_detail", group.pk)


@login_required
@require_POST
def leave(request: AuthedHttpRequest, group_id: int) -> HttpResponse:
    group = access_group(request.user, group_id)
    try:
        left = actions.do_leave(request.user, group, _session_from_form(request, group))
    except actions.GroupError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("You've given up your place.") if left else _("You had no place.")
        )
    return redirect("groups_detail", group.pk)


@login_required
@require_http_methods(["GET", "POST"])
def new_group(request: AuthedHttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.FACILITATOR):
        raise NotFound("page")
    spaces = [(s.slug, s.name) for s in visible_spaces(request.user).order_by("name")]
    form = GroupForm(
        request.POST or None,
        initial={"space": request.GET.get("space", "")},
        spaces=spaces,
        zone=request.user.timezone,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            space = access_space(request.user, data["space"])
            group = actions.do_create_group(
                request.user,
                actions.GroupSpec(
                    space=space,
                    topic=data["topic"],
                    description=data["description"],
                    format=data["format"],
                    capacity=data["capacity"],
                    recurrence=data["recurrence"],
                    first_starts_at_local=data["first_starts_at_local"].replace(tzinfo=None),
                    timezone=data["timezone"],
                    session_minutes=data["session_minutes"],
                    norms=data["norms"],
                    quorum=data["quorum"],
                ),
            )
        except NotFound:
            form.add_error("space", _("No such community space."))
        except actions.GroupError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your group is listed."))
            return redirect("groups_detail", group.pk)
    return render(request, "groups/new.html", {"form": form, "zone": request.user.timezone})


def _calendar_response(body: str, filename: str = "") -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def session_ics(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    """One session as a calendar file, for its participants and facilitators."""
    session = access_session(request.user, session_id)
    if not (is_signed_up(request.user, session) or is_facilitator(request.user, session.group)):
        raise NotFound("session")
    url = request.build_absolute_uri(reverse("groups_session", args=[session.pk]))
    body = calendar.render([session_event(session, url=url)], timezone.now())
    return _calendar_response(body, f"group-session-{session.pk}.ics")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's group sessions, under the same secret URL token as their bookings feed."""
    user = feeds.get_feed_user(token)
    if user is None:
        raise NotFound("calendar")
    return _calendar_response(
        calendar.calendar_for(user, timezone.now(), name="Kindred groups", sources=["groups"])
    )
