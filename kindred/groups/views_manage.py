"""Looking after a group: edit it, cancel one session, archive it (facilitators and staff).

Each page checks access with ``manage=True`` and calls one ``do_*`` in
:mod:`kindred.groups.actions`; a refused change comes back as form errors with
what the person typed kept.
"""

from __future__ import annotations

from dataclasses import asdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from kindred.core.http import AuthedHttpRequest
from kindred.groups import actions
from kindred.groups.access import access_group, access_session
from kindred.groups.forms import ArchiveGroupForm, CancelSessionForm, GroupEditForm
from kindred.groups.models import Group, SessionStatus


def _edit_page(
    request: AuthedHttpRequest,
    group: Group,
    form: GroupEditForm,
    archive_form: ArchiveGroupForm,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "groups/edit.html",
        {"group": group, "form": form, "archive_form": archive_form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_group(request: AuthedHttpRequest, group_id: int) -> HttpResponse:
    group = access_group(request.user, group_id, manage=True)
    if request.method == "GET":
        return _edit_page(
            request,
            group,
            GroupEditForm(initial=asdict(actions.GroupChanges.of(group))),
            ArchiveGroupForm(),
        )
    form = GroupEditForm(request.POST)
    if form.is_valid():
        try:
            result = actions.do_update_group(
                request.user, group, actions.GroupChanges(**form.cleaned_data)
            )
        except actions.GroupError as exc:
            form.add_error(None, str(exc))
        else:
            if not result.changed:
                messages.info(request, _("Nothing changed."))
            elif result.promoted:
                messages.success(
                    request,
                    ngettext(
                        "The group is updated. %(n)s person moved up from the waitlist and "
                        "were told.",
                        "The group is updated. %(n)s people moved up from the waitlist and "
                        "were told.",
                        result.promoted,
                    )
                    % {"n": result.promoted},
                )
            else:
                messages.success(request, _("The group is updated."))
            return redirect("groups_detail", group.pk)
    return _edit_page(request, group, form, ArchiveGroupForm(), status=422)


@login_required
@require_POST
def archive_group(request: AuthedHttpRequest, group_id: int) -> HttpResponse:
    group = access_group(request.user, group_id, manage=True)
    form = ArchiveGroupForm(request.POST)
    if not form.is_valid():
        return _edit_page(
            request,
            group,
            GroupEditForm(initial=asdict(actions.GroupChanges.of(group))),
            form,
            status=422,
        )
    cancelled = actions.do_archive_group(request.user, group)
    messages.success(
        request,
        ngettext(
            "The group is archived. %(n)s upcoming session cancelled; everyone signed up has "
            "been told.",
            "The group is archived. %(n)s upcoming sessions cancelled; everyone signed up has "
            "been told.",
            cancelled,
        )
        % {"n": cancelled},
    )
    return redirect("groups_detail", group.pk)


@login_required
@require_http_methods(["GET", "POST"])
def cancel_session(request: AuthedHttpRequest, session_id: int) -> HttpResponse:
    session = access_session(request.user, session_id, manage=True)
    form = CancelSessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = actions.do_cancel_session(request.user, session, form.cleaned_data["reason"])
        except actions.GroupError as exc:
            form.add_error("reason", str(exc))
        else:
            messages.success(
                request,
                _("The session is cancelled; everyone signed up has been told.")
                if done
                else _("This session was already cancelled."),
            )
            return redirect("groups_session", session.pk)
    status = 422 if form.errors else 200
    return render(
        request,
        "groups/cancel_session.html",
        {
            "session": session,
            "group": session.group,
            "when": actions.local_label(session.starts_at, request.user),
            "form": form,
            "can_cancel": session.status == SessionStatus.SCHEDULED,
        },
        status=status,
    )
