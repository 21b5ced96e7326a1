from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kindred.accounts.models import User
from kindred.audit.models import AuditEvent
from kindred.core.access import NotFound
from kindred.core.http import AuthedHttpRequest
from kindred.safety import actions, heldcontent, reportables
from kindred.safety.access import (
    access_flag,
    access_safety_plan,
    blocked_user_ids,
    check_flag_action,
    flag_actions,
    read_flag,
    visible_flags,
    withhold_clinical_text,
)
from kindred.safety.crisis import ANYWHERE, SESSION_KEY, crisis_context
from kindred.safety.forms import BlockForm, ReachOutForm, ReportForm, ResolveForm, SafetyPlanForm
from kindred.safety.models import (
    SAFETY_PLAN_SECTIONS,
    Block,
    FlagStatus,
    ModeratorDuty,
    SupportMessage,
)


def get_help(request: HttpRequest) -> HttpResponse:
    """Crisis resources, no login needed. Must work even when everything else is broken."""
    context = crisis_context(request)
    if request.GET.get("country") and context["selected"] != ANYWHERE:
        request.session[SESSION_KEY] = context["selected"]
    return render(request, "safety/get_help.html", context)


# --- Moderators' queue ---------------------------------------------------------

_SEVERITY = Case(
    When(level="high", then=Value(0)),
    When(level="moderate", then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def queue(request: AuthedHttpRequest) -> HttpResponse:
    """Open flags, most severe and oldest first. Gated to moderators by RoleMFAMiddleware."""
    scope = request.GET.get("scope", "")
    open_flags = visible_flags(request.user).filter(
        status__in=[FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED]
    )
    scopes = sorted(set(open_flags.values_list("scope", flat=True)))
    if scope:
        open_flags = open_flags.filter(scope=scope)
    flags = (
        open_flags.select_related("subject", "acknowledged_by")
        .annotate(severity=_SEVERITY)
        .order_by("severity", "created_at")[:200]
    )
    now = timezone.now()
    # The queue shows no text, but its "where" could say what a clinical flag is about.
    rows = [(flag, _deadline(flag)) for flag in withhold_clinical_text(flags)]
    duty = ModeratorDuty.objects.filter(moderator=request.user).first()
    return render(
        request,
        "safety/queue.html",
        {
            "rows": rows,
            "now": now,
            "on_duty": bool(duty and duty.on_duty),
            "scopes": scopes,
            "scope": scope,
        },
    )


def _deadline(flag: Any) -> Any:
    delay = actions.escalation_delay(flag.level)
    if delay is None or flag.status != FlagStatus.OPEN:
        return None
    return flag.created_at + timedelta(seconds=delay)


def flag_detail(request: AuthedHttpRequest, flag_id: int) -> HttpResponse:
    flag = read_flag(request.user, flag_id, request=request)
    return _detail_with_errors(request, flag, status=200)


@require_POST
def flag_action(request: AuthedHttpRequest, flag_id: int, action: str) -> HttpResponse:
    flag = access_flag(request.user, flag_id, write=True)
    check_flag_action(request.user, flag, action)
    try:
        if action == "acknowledge":
            actions.do_acknowledge(request.user, flag)
            messages.success(request, "Acknowledged. The escalation timer has stopped.")
        elif action == "reach-out":
            reach_out = ReachOutForm(request.POST)
            if not reach_out.is_valid():
                return _detail_with_errors(request, flag, reach_out_form=reach_out)
            actions.do_reach_out(request.user, flag, reach_out.cleaned_data["body"])
            messages.success(request, "Your message was sent privately to the member.")
        elif action == "hand-over":
            therapist = (
                actions.treating_therapists(flag.subject)
                .filter(pk=request.POST.get("therapist") or 0)
                .first()
            )
            if therapist is None:
                raise actions.SafetyActionError("Choose one of the member's therapists.")
            actions.do_hand_over(request.user, flag, therapist)
            messages.success(request, "Handed over. The therapist has been notified.")
        elif action == "resolve":
            resolve = ResolveForm(request.POST)
            if not resolve.is_valid():
                return _detail_with_errors(request, flag, resolve_form=resolve)
            actions.do_resolve(
                request.user, flag, resolve.cleaned_data["outcome"], resolve.cleaned_data["note"]
            )
            messages.success(request, "Resolved.")
        elif action == "release":
            released = heldcontent.do_release(request.user, flag)
            messages.success(request, released.done_message)
        else:
            raise NotFound("action")
    except actions.SafetyActionError as exc:
        messages.error(request, str(exc))
    return redirect(request.path.rsplit("/", 2)[0] + "/")


def _detail_with_errors(
    request: AuthedHttpRequest, flag: Any, status: int = 422, **forms: Any
) -> HttpResponse:
    # Re-render with the invalid form so nothing the moderator typed is lost.
    context = {
        "flag": flag,
        "history": AuditEvent.objects.filter(
            target_type="safety.flag", target_id=str(flag.pk)
        ).order_by("seq"),
        "reach_out_form": forms.get("reach_out_form", ReachOutForm()),
        "resolve_form": forms.get("resolve_form", ResolveForm()),
        "therapists": actions.treating_therapists(flag.subject)
        if flag.subject
        else User.objects.none(),
        "deadline": _deadline(flag),
        "can_act": flag.is_open,
        "actions": flag_actions(request.user, flag),
        # One query at most: whether what the flag points at is still held.
        "held_item": heldcontent.held_item(flag) if flag.is_open else None,
    }
    return render(request, "safety/flag_detail.html", context, status=status)


@require_POST
def duty(request: AuthedHttpRequest) -> HttpResponse:
    actions.do_set_duty(request.user, request.POST.get("on_duty") == "1")
    return redirect("safety_queue")


# --- Member side ----------------------------------------------------------------


@login_required
def safety_plan(request: AuthedHttpRequest) -> HttpResponse:
    plan = access_safety_plan(request.user, request.user.pk)
    sections = [
        (key, title, plan.items(key) if plan else []) for key, title, _ in SAFETY_PLAN_SECTIONS
    ]
    context = crisis_context(request)
    return render(request, "safety/plan.html", {"plan": plan, "sections": sections, **context})


@login_required
def safety_plan_edit(request: AuthedHttpRequest) -> HttpResponse:
    plan = access_safety_plan(request.user, request.user.pk)
    form = SafetyPlanForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        actions.do_save_safety_plan(
            request.user, form.sections(), form.cleaned_data["reasons_for_living"]
        )
        messages.success(request, "Your safety plan is saved. Only you can see it.")
        return redirect("safety_plan")
    return render(
        request,
        "safety/plan_edit.html",
        {"form": form},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def support_messages(request: AuthedHttpRequest) -> HttpResponse:
    inbox = SupportMessage.objects.filter(recipient=request.user).order_by("-created_at")[:100]
    rows = list(inbox)
    actions.do_mark_support_messages_read(request.user)
    return render(request, "safety/messages.html", {"inbox": rows})


@login_required
def report(request: AuthedHttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    initial = {k: request.GET.get(k, "") for k in ("handle", "source_type", "source_id")}
    form = ReportForm(data, initial=initial)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            subject, quoted, scope = _report_target(request.user, cleaned)
            actions.do_report(
                request.user,
                reason=cleaned["reason"],
                details=cleaned["details"],
                subject=subject,
                source_type=cleaned["source_type"],
                source_id=cleaned["source_id"],
                quoted_text=quoted,
                scope=scope,
            )
        except actions.SafetyActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                "Thank you. A moderator will look at this. The person is not told who reported them.",
            )
            return redirect("home")
    status = 422 if request.method == "POST" else 200
    return render(request, "safety/report.html", {"form": form}, status=status)


def _report_target(reporter: Any, cleaned: dict[str, Any]) -> tuple[Any, str, str]:
    if cleaned["source_type"]:
        try:
            return reportables.resolve(cleaned["source_type"], reporter, cleaned["source_id"])
        except NotFound:
            raise actions.SafetyActionError("We could not find that content.") from None
    handle = cleaned["handle"].strip()
    if not handle:
        raise actions.SafetyActionError("Say who or what you are reporting.")
    subject = User.objects.filter(handle__iexact=handle, is_active=True).first()
    if subject is None:
        raise actions.SafetyActionError("We could not find that person.")
    return subject, "", "report"


@login_required
def blocks(request: AuthedHttpRequest) -> HttpResponse:
    form = BlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        other = User.objects.filter(
            handle__iexact=form.cleaned_data["handle"].strip(), is_active=True
        ).first()
        if other is None:
            form.add_error("handle", "We could not find anyone with that handle.")
        else:
            try:
                actions.do_block(request.user, other)
            except actions.SafetyActionError as exc:
                form.add_error("handle", str(exc))
            else:
                messages.success(
                    request, f"You will no longer see {other.handle}, and they will not see you."
                )
                return redirect("safety_blocks")
    mine = (
        Block.objects.filter(blocker=request.user).select_related("blocked").order_by("-created_at")
    )
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "safety/blocks.html",
        {"form": form, "blocks": mine, "hidden_count": len(blocked_user_ids(request.user))},
        status=status,
    )


@login_required
@require_POST
def unblock(request: AuthedHttpRequest, handle: str) -> HttpResponse:
    other = User.objects.filter(handle__iexact=handle).first()
    if other is None or not actions.do_unblock(request.user, other):
        raise NotFound("block")
    messages.success(request, f"You unblocked {other.handle}.")
    return redirect("safety_blocks")
