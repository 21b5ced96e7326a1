"""The member's care pages under ``/my/care/``, and what carers see of them.

Reads go through :mod:`kindred.consent.grants` / :mod:`kindred.care.shared` (grants
checked, uses audited); changes through :mod:`kindred.care.actions`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.accounts.access import has_mfa
from kindred.bookings.relationships import clients_of
from kindred.care import actions, queries, shared
from kindred.care.access import PEER_KINDS_STR, access_referable_member
from kindred.care.forms import DefaultAccessForm, GrantForm, ReferralForm
from kindred.consent import actions as consent_actions
from kindred.consent import grants, visibility, whocansee
from kindred.consent.accesslog import access_log_for
from kindred.consent.sources import team_for, timeline_for
from kindred.core.http import AuthedHttpRequest
from kindred.core.roles import Role

UNPROCESSABLE = 422
RELATION_LABELS = whocansee.RELATION_LABELS
# Where a change made from the "Who can see what" page returns to.
BACK_TO_WHO = "who"


def _team_choices(team: list[Any]) -> list[tuple[int, str]]:
    seen: dict[int, str] = {}
    for entry in team:
        label = f"{entry.person.handle} ({RELATION_LABELS.get(entry.relation, entry.relation)})"
        seen[entry.person.pk] = (
            seen[entry.person.pk] + ", " + label if entry.person.pk in seen else label
        )
    return list(seen.items())


@login_required
@require_GET
def team(request: AuthedHttpRequest) -> HttpResponse:
    return _team_page(request)


def _team_page(request: AuthedHttpRequest, *, error: str = "") -> HttpResponse:
    off = visibility.switched_off(request.user)
    return render(
        request,
        "care/team.html",
        {
            "rows": queries.team_of(request.user, off),
            "open_referrals": queries.open_referral_count(request.user),
            # Grouped by who sees it; declaration order within each.
            "defaults": sorted(
                queries.default_access_of(request.user, off), key=lambda row: row.who
            ),
            "error": error,
        },
        status=UNPROCESSABLE if error else 200,
    )


@login_required
@require_POST
def default_access(request: AuthedHttpRequest) -> HttpResponse:
    form = DefaultAccessForm(request.POST)
    if not form.is_valid():
        return _team_page(request, error=_("Choose something you can switch off."))
    on = form.cleaned_data["on"]
    consent_actions.do_set_default_access(
        request.user, form.cleaned_data["key"], on=on, request=request
    )
    messages.success(
        request,
        _("Switched on. It applies from now.") if on else _("Switched off. It applies from now."),
    )
    return redirect(_back(request, "care_team"))


def _back(request: AuthedHttpRequest, default: str) -> str:
    """Where a change returns to: the "Who can see what" page when it was made there."""
    return "care_who_can_see" if request.POST.get("back") == BACK_TO_WHO else default


@login_required
@require_GET
def who_can_see(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request,
        "care/who_can_see.html",
        {"viewers": whocansee.who_can_see(request.user), "back": BACK_TO_WHO},
    )


def _grants_page(request: AuthedHttpRequest, form: GrantForm | None = None) -> HttpResponse:
    team_choices = _team_choices(team_for(request.user))
    if form is None:
        form = GrantForm(team=team_choices)
    sharing = queries.sharing_of(request.user)
    return render(
        request,
        "care/grants.html",
        {
            "form": form,
            "has_team": bool(team_choices),
            "active": sharing.active,
            "ended": sharing.ended,
            "labels": grants.SCOPE_LABELS,
        },
        status=UNPROCESSABLE if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def grants_page(request: AuthedHttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _grants_page(request)
    form = GrantForm(request.POST, team=_team_choices(team_for(request.user)))
    if not form.is_valid():
        return _grants_page(request, form)
    try:
        consent_actions.do_grant(
            request.user,
            form.cleaned_data["grantee"],
            form.cleaned_data["scope"],
            expires_at=form.expires_at(),
            request=request,
        )
    except consent_actions.ConsentError as error:
        form.add_error(None, str(error))
        return _grants_page(request, form)
    messages.success(request, _("Shared. You can stop sharing here at any time."))
    return redirect("care_grants")


@login_required
@require_POST
def revoke(request: AuthedHttpRequest, grant_id: int) -> HttpResponse:
    grant = consent_actions.do_revoke_grant(request.user, grant_id, request=request)
    messages.success(
        request,
        _("Stopped sharing %(what)s with %(handle)s.")
        % {"what": str(grants.SCOPE_LABELS[grant.scope]).lower(), "handle": grant.grantee.handle},
    )
    return redirect(_back(request, "care_grants"))


@login_required
@require_GET
def access_log(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "care/access_log.html", {"entries": access_log_for(request.user)})


@login_required
@require_GET
def timeline(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "care/timeline.html", {"items": timeline_for(request.user)})


@login_required
@require_GET
def referrals(request: AuthedHttpRequest) -> HttpResponse:
    rows = queries.referrals_for(request.user, limit=queries.REFERRALS_SHOWN)
    return render(
        request,
        "care/referrals.html",
        {
            "open": [r for r in rows if r.is_open],
            "answered": [r for r in rows if not r.is_open],
        },
    )


def _respond(request: AuthedHttpRequest, referral_id: int, *, accept: bool) -> HttpResponse:
    try:
        referral = actions.do_respond_referral(
            request.user, referral_id, accept=accept, request=request
        )
    except actions.CareError as error:
        messages.error(request, str(error))
        return redirect("care_referrals")
    if accept:
        messages.success(request, _("Accepted. Here is the page they suggested."))
        return redirect(referral.link or "care_referrals")
    messages.success(request, _("Dismissed."))
    return redirect("care_referrals")


@login_required
@require_POST
def accept(request: AuthedHttpRequest, referral_id: int) -> HttpResponse:
    return _respond(request, referral_id, accept=True)


@login_required
@require_POST
def dismiss(request: AuthedHttpRequest, referral_id: int) -> HttpResponse:
    return _respond(request, referral_id, accept=False)


@login_required
@require_GET
def shared_list(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    clients = list(clients_of(user)) if user.has_role(Role.THERAPIST) and has_mfa(user) else []
    return render(
        request,
        "care/shared_list.html",
        {
            "sharing": [
                (member, [grants.SCOPE_LABELS[s] for s in scopes])
                for member, scopes in grants.shared_with(user)
            ],
            "clients": clients,
        },
    )


@login_required
@require_GET
def shared_member(request: AuthedHttpRequest, member_id: int) -> HttpResponse:
    view = shared.shared_view(request.user, member_id, request=request)
    return render(request, "care/shared_member.html", vars(view))


@login_required
@require_http_methods(["GET", "POST"])
def refer(request: AuthedHttpRequest, member_id: int) -> HttpResponse:
    member, kinds = access_referable_member(request.user, member_id)
    form = ReferralForm(request.POST or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_refer(
                request.user,
                member.pk,
                kind=form.cleaned_data["kind"],
                url=form.cleaned_data["url"],
                title=form.cleaned_data["title"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except actions.CareError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Suggestion sent to %(handle)s.") % {"handle": member.handle}
            )
            return redirect("care_shared")
    return render(
        request,
        "care/refer.html",
        {"member": member, "form": form, "peer_only": kinds == PEER_KINDS_STR},
        status=UNPROCESSABLE if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def discharge(request: AuthedHttpRequest, member_id: int) -> HttpResponse:
    """Confirm (GET) and end (POST) a therapist's therapy with a client."""
    from kindred.clinical.access import access_client

    if request.method == "GET":
        member = access_client(request.user, member_id)
        return render(request, "care/discharge.html", {"member": member})
    member = actions.do_discharge(request.user, member_id, request=request)
    messages.success(
        request,
        _("You discharged %(handle)s. You no longer see anything of theirs.")
        % {"handle": member.handle},
    )
    return redirect("clinical_clients")
