from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kindred.accounts.models import User
from kindred.audit.actions import record_read
from kindred.audit.models import AuditEvent
from kindred.core.access import NotFound
from kindred.core.http import AuthedHttpRequest
from kindred.core.idempotency import KeyReused, fingerprint, once, previous
from kindred.safety import actions, flaggedcontent, heldcontent, reportables, support
from kindred.safety.access import (
    access_flag,
    access_handed_over_flag,
    access_member_support_conversation,
    access_safety_plan,
    access_staff_support_conversation,
    blocked_user_ids,
    can_moderate,
    can_review_escalations,
    can_write_support,
    check_flag_action,
    flag_actions,
    is_safety_team,
    read_flag,
    support_inbox_for,
    visible_flags,
    withhold_clinical_text,
)
from kindred.safety.crisis import ANYWHERE, SESSION_KEY, crisis_context
from kindred.safety.dial import link_phone_numbers
from kindred.safety.forms import (
    BlockForm,
    HandOverForm,
    HandoverMessageForm,
    HandoverResolveForm,
    HideContentForm,
    ReachOutForm,
    ReportForm,
    ResolveForm,
    SafetyPlanForm,
    SupportReplyForm,
)
from kindred.safety.models import (
    SAFETY_PLAN_SECTIONS,
    Block,
    Flag,
    FlagKind,
    FlagReport,
    FlagStatus,
    ModeratorDuty,
    SupportConversation,
)

# After a member's reply screened at risk, their next page shows the support panel.
SUPPORT_SESSION_KEY = "safety_show_support"


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
        .annotate(severity=_SEVERITY, report_count=Count("reports"))
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
            # Members' replies to the team wait here whatever their flag's state: a
            # resolved flag is no reason for a reply to go unread.
            "replies": list(support.team_replies_waiting()),
        },
    )


def _deadline(flag: Any) -> Any:
    delay = actions.escalation_delay(flag.level)
    if delay is None or flag.status != FlagStatus.OPEN:
        return None
    return flag.created_at + timedelta(seconds=delay)


def flag_detail(request: AuthedHttpRequest, flag_id: int) -> HttpResponse:
    flag = read_flag(request.user, flag_id, request=request)
    return _flag_page(request, flag, status=200)


@require_POST
def flag_action(request: AuthedHttpRequest, flag_id: int, action: str) -> HttpResponse:
    flag = access_flag(request.user, flag_id, write=True)
    check_flag_action(request.user, flag, action)
    try:
        if action == "acknowledge":
            actions.do_acknowledge(request.user, flag)
            messages.success(request, _("Acknowledged. The escalation timer has stopped."))
        elif action == "reach-out":
            reach_out = ReachOutForm(request.POST)
            if not reach_out.is_valid():
                return _flag_page(request, flag, reach_out_form=reach_out)
            support.do_reach_out(request.user, flag, reach_out.cleaned_data["body"])
            messages.success(request, _("Your message was sent privately to the member."))
        elif action == "hand-over":
            hand_over = HandOverForm(request.POST)
            therapist = (
                actions.treating_therapists(flag.subject)
                .filter(pk=hand_over.cleaned_data["therapist"])
                .first()
                if hand_over.is_valid()
                else None
            )
            if therapist is None:
                raise actions.SafetyActionError(_("Choose one of the member's therapists."))
            actions.do_hand_over(request.user, flag, therapist)
            messages.success(request, _("Handed over. The therapist has been notified."))
        elif action == "resolve":
            resolve = ResolveForm(request.POST)
            if not resolve.is_valid():
                return _flag_page(request, flag, resolve_form=resolve)
            actions.do_resolve(
                request.user, flag, resolve.cleaned_data["outcome"], resolve.cleaned_data["note"]
            )
            messages.success(request, _("Resolved."))
        elif action == "release":
            released = heldcontent.do_release(request.user, flag)
            messages.success(request, released.done_message)
        elif action == "hide":
            hide = HideContentForm(request.POST)
            if not hide.is_valid():
                return _flag_page(request, flag, hide_form=hide)
            kind = flaggedcontent.do_set_hidden(
                request.user, flag, True, hide.cleaned_data["reason"]
            )
            messages.success(
                request,
                _("Hidden: only its writer sees this %(noun)s now.") % {"noun": kind.noun},
            )
        elif action == "unhide":
            kind = flaggedcontent.do_set_hidden(request.user, flag, False)
            messages.success(
                request,
                _("Shown again: this %(noun)s is back for its readers.") % {"noun": kind.noun},
            )
        else:
            raise NotFound("action")
    except actions.SafetyActionError as exc:
        messages.error(request, str(exc))
    return redirect(request.path.rsplit("/", 2)[0] + "/")


def flag_content(request: AuthedHttpRequest, flag_id: int) -> HttpResponse:
    """What a flag is about, in context, for items with no page of their own (a message in
    a live room). Moderators and staff only; the read is audited like the flag's. A
    clinical flag has no such page (``kind_of`` refuses it): its text is its clinician's."""
    flag, kind = flaggedcontent.access_flagged_content(request.user, flag_id, request=request)
    lines = kind.context(flag.source_id) if kind.context else []
    return render(request, "safety/flag_content.html", {"flag": flag, "kind": kind, "lines": lines})


@require_POST
def therapist_flag_action(request: AuthedHttpRequest, flag_id: int, action: str) -> HttpResponse:
    """A therapist's action on a flag, from the therapist area.

    Two sets of actions share this address and never apply to one flag at once: on a flag
    a moderator handed over to this therapist, the hand-over's (:func:`_handover_action`);
    on an open clinical flag routed to them and not handed over, the clinician's
    (acknowledge, resolve: :func:`flag_action` with ``check_flag_action``). Anyone else
    gets the same 404 as for a missing flag.
    """
    try:
        flag = access_handed_over_flag(request.user, flag_id)
    except NotFound:
        return flag_action(request, flag_id, action)
    return _handover_action(request, flag, action)


def _handover_action(request: AuthedHttpRequest, flag: Flag, action: str) -> HttpResponse:
    """The treating therapist's actions on a flag handed over to them."""
    try:
        if action == "acknowledge":
            actions.do_acknowledge_handover(request.user, flag)
            messages.success(request, _("Acknowledged. The safety team can see you have it."))
        elif action == "message":
            message_form = HandoverMessageForm(request.POST)
            if not message_form.is_valid():
                return _flag_page(request, flag, handover_message_form=message_form)
            try:
                actions.do_message_from_handover(
                    request.user, flag, message_form.cleaned_data["body"]
                )
            except actions.SafetyActionError as exc:
                # Keep what the therapist wrote: re-render with the error on the form.
                message_form.add_error("body", str(exc))
                return _flag_page(request, flag, handover_message_form=message_form)
            messages.success(
                request,
                _("Sent in your secure conversation with %(handle)s.")
                % {"handle": flag.subject.handle if flag.subject else ""},
            )
        elif action == "resolve":
            resolve = HandoverResolveForm(request.POST)
            if not resolve.is_valid():
                return _flag_page(request, flag, handover_resolve_form=resolve)
            actions.do_resolve_handover(
                request.user, flag, resolve.cleaned_data["outcome"], resolve.cleaned_data["note"]
            )
            messages.success(request, _("Resolved. Thank you."))
        else:
            raise NotFound("action")
    except actions.SafetyActionError as exc:
        messages.error(request, str(exc))
    return redirect("therapist_flag", flag.pk)


def _flag_url(user: User, flag_id: int | None) -> str:
    """Where ``user`` opens the flag: the moderators' page or staff's; "" for anyone else."""
    if flag_id is None:
        return ""
    if can_moderate(user):
        return reverse("safety_flag", args=[flag_id])
    if can_review_escalations(user):
        return reverse("staff_flag", args=[flag_id])
    return ""


def _flag_conversations(request: AuthedHttpRequest, flag: Flag) -> list[dict[str, Any]]:
    """The flag's support conversations with their messages, for the safety team.

    Each one shown is an audited read; reading the team's own conversation marks the
    member's replies read (a facilitator's stays unread for the facilitator).
    """
    rows = []
    conversations = flag.conversations.select_related("staff").order_by("created_at")
    for conversation in conversations:
        record_read(
            actor=request.user, target=conversation, request=request, what="support messages"
        )
        thread = list(conversation.messages.select_related("sender").order_by("created_at", "pk"))
        if can_write_support(request.user, conversation):
            support.do_mark_read(request.user, conversation, as_member=False)
        rows.append({"conversation": conversation, "messages": thread})
    return rows


def _flag_page(
    request: AuthedHttpRequest, flag: Flag, status: int = 422, **forms: Any
) -> HttpResponse:
    # Re-render with the invalid form so nothing the moderator or therapist typed is lost.
    team = is_safety_team(request.user)
    handover = (
        flag.handed_to_id == request.user.pk and flag.status == FlagStatus.HANDED_OVER and not team
    )
    context = {
        "flag": flag,
        "history": AuditEvent.objects.filter(
            target_type="safety.flag", target_id=str(flag.pk)
        ).order_by("seq"),
        "reach_out_form": forms.get("reach_out_form", ReachOutForm()),
        "resolve_form": forms.get("resolve_form", ResolveForm()),
        "hide_form": forms.get("hide_form", HideContentForm()),
        "therapists": actions.treating_therapists(flag.subject)
        if flag.subject and team
        else User.objects.none(),
        "deadline": _deadline(flag),
        "team": team,
        "can_act": flag.is_open,
        # What this reader may do here: the team's tools, or a routed clinician's
        # acknowledge and resolve (the hand-over's own actions are under ``handover``).
        "actions": flag_actions(request.user, flag),
        # One query at most: whether what the flag points at is still held.
        "held_item": heldcontent.held_item(flag) if flag.is_open and team else None,
        # One query at most: where it is and whether it is hidden.
        "item": flaggedcontent.flagged_item(flag) if team else None,
        "conversations": _flag_conversations(request, flag) if team else [],
        "reports": list(FlagReport.objects.filter(flag=flag).order_by("created_at"))
        if team and flag.kind == FlagKind.REPORT
        else [],
        "handover": handover,
        "handover_message_form": forms.get("handover_message_form", HandoverMessageForm()),
        "handover_resolve_form": forms.get("handover_resolve_form", HandoverResolveForm()),
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
    # Numbers the member wrote ("Mum 07700 900123") are one tap away, like the crisis lines.
    sections = [
        (key, title, [link_phone_numbers(item) for item in plan.items(key)] if plan else [])
        for key, title, _ in SAFETY_PLAN_SECTIONS
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
        messages.success(request, _("Your safety plan is saved. Only you can see it."))
        return redirect("safety_plan")
    return render(
        request,
        "safety/plan_edit.html",
        {"form": form},
        status=422 if request.method == "POST" else 200,
    )


@login_required
def support_inbox(request: AuthedHttpRequest) -> HttpResponse:
    """The member's conversations with the support team and facilitators, newest first."""
    conversations = support.with_unread(
        SupportConversation.objects.filter(member=request.user).select_related("staff"),
        for_member=True,
    ).order_by("-last_message_at", "-pk")[:100]
    return render(request, "safety/messages.html", {"conversations": list(conversations)})


@login_required
def member_conversation(request: AuthedHttpRequest, conversation_id: int) -> HttpResponse:
    """GET shows the thread; POST replies, keeping the text on errors (422)."""
    conversation = access_member_support_conversation(request.user, conversation_id)
    form = SupportReplyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                reply = support.do_member_reply(
                    request.user, conversation, form.cleaned_data["body"]
                )
            except actions.SafetyActionError as exc:
                form.add_error("body", str(exc))
            else:
                if reply.screen.support:
                    request.session[SUPPORT_SESSION_KEY] = reply.screen.result.level
                messages.success(request, _("Sent. You will be told when they answer."))
                return redirect("safety_conversation", conversation.pk)
    thread = list(conversation.messages.select_related("sender").order_by("created_at", "pk"))
    support.do_mark_read(request.user, conversation, as_member=True)
    context: dict[str, Any] = {
        "conversation": conversation,
        "thread": thread,
        "form": form,
        "max_length": support.MAX_LENGTH,
    }
    if request.session.pop(SUPPORT_SESSION_KEY, None):
        crisis = crisis_context(request)
        context["support"] = True
        context["support_country"] = crisis["country"] or crisis["anywhere"]
    return render(request, "safety/conversation.html", context, status=status)


@login_required
def staff_support_inbox(request: AuthedHttpRequest) -> HttpResponse:
    """Conversations the user supports a member in: a facilitator's own; the team's for
    moderators and staff. Nobody else has any, and gets the same 404 as a missing page."""
    conversations = support.with_unread(
        support_inbox_for(request.user).select_related("member", "flag"), for_member=False
    ).order_by("-last_message_at", "-pk")[:100]
    return render(request, "safety/support_inbox.html", {"conversations": list(conversations)})


@login_required
def staff_conversation(request: AuthedHttpRequest, conversation_id: int) -> HttpResponse:
    """The supporting side of a conversation. GET is an audited read; POST writes."""
    form = SupportReplyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        writing = access_staff_support_conversation(
            request.user, conversation_id, write=True, audit=False, request=request
        )
        if form.is_valid():
            try:
                support.do_send_support(request.user, writing, form.cleaned_data["body"])
            except actions.SafetyActionError as exc:
                form.add_error("body", str(exc))
            else:
                messages.success(
                    request,
                    _("Sent privately to %(handle)s.") % {"handle": writing.member.handle},
                )
                return redirect("safety_support_conversation", writing.pk)
        status = 422
    # The page shows the messages (again, after a refused POST): an audited read.
    conversation = access_staff_support_conversation(request.user, conversation_id, request=request)
    thread = list(conversation.messages.select_related("sender").order_by("created_at", "pk"))
    writable = can_write_support(request.user, conversation)
    if writable:
        support.do_mark_read(request.user, conversation, as_member=False)
    return render(
        request,
        "safety/support_conversation.html",
        {
            "conversation": conversation,
            "thread": thread,
            "form": form,
            "writable": writable,
            "flag_url": _flag_url(request.user, conversation.flag_id),
            "max_length": support.MAX_LENGTH,
            "urgent_levels": ("moderate", "high"),
        },
        status=status,
    )


@login_required
def report(request: AuthedHttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    initial = {k: request.GET.get(k, "") for k in ("handle", "source_type", "source_id")}
    form = ReportForm(data, initial=initial)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        key = cleaned["idempotency_key"]
        print_ = fingerprint("safety.report", "", form.fields_for_action())
        try:
            if previous(request.user, key, print_) is None:
                subject, quoted, scope = _report_target(request.user, cleaned)
                once(
                    request.user,
                    key,
                    print_,
                    lambda: actions.do_report(
                        request.user,
                        reason=cleaned["reason"],
                        details=cleaned["details"],
                        subject=subject,
                        source_type=cleaned["source_type"],
                        source_id=cleaned["source_id"],
                        quoted_text=quoted,
                        scope=scope,
                    ),
                    actions.report_ref,
                )
        except KeyReused as exc:
            form.add_error(None, str(exc))
        except actions.ReportLimitReached as exc:
            form.add_error(None, str(exc))
            response = render(request, "safety/report.html", {"form": form}, status=429)
            response["Retry-After"] = str(exc.retry_after)
            return response
        except actions.SafetyActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Thank you. A moderator will look at this. "
                    "The person is not told who reported them."
                ),
            )
            return redirect("home")
    status = 422 if request.method == "POST" else 200
    return render(request, "safety/report.html", {"form": form}, status=status)


def report_refused(
    request: AuthedHttpRequest, data: dict[str, str], error: actions.SafetyActionError
) -> HttpResponse:
    """The report form, filled in with what the member wrote elsewhere (e.g. on a peer
    connection's page), and the reason it was not sent: nothing they wrote is lost."""
    form = ReportForm(data)
    form.is_valid()
    form.add_error(None, str(error))
    if isinstance(error, actions.ReportLimitReached):
        response = render(request, "safety/report.html", {"form": form}, status=429)
        response["Retry-After"] = str(error.retry_after)
        return response
    return render(request, "safety/report.html", {"form": form}, status=422)


def _report_target(reporter: User, cleaned: dict[str, Any]) -> tuple[User, str, str]:
    if cleaned["source_type"]:
        try:
            return reportables.resolve(cleaned["source_type"], reporter, cleaned["source_id"])
        except NotFound:
            raise actions.SafetyActionError(_("We could not find that content.")) from None
    handle = cleaned["handle"].strip()
    if not handle:
        raise actions.SafetyActionError(_("Say who or what you are reporting."))
    subject = User.objects.filter(handle__iexact=handle, is_active=True).first()
    if subject is None:
        raise actions.SafetyActionError(_("We could not find that person."))
    return subject, "", "report"


@login_required
def blocks(request: AuthedHttpRequest) -> HttpResponse:
    form = BlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        other = User.objects.filter(
            handle__iexact=form.cleaned_data["handle"].strip(), is_active=True
        ).first()
        if other is None:
            form.add_error("handle", _("We could not find anyone with that handle."))
        else:
            try:
                actions.do_block(request.user, other)
            except actions.SafetyActionError as exc:
                form.add_error("handle", str(exc))
            else:
                messages.success(
                    request,
                    _("You will no longer see %(handle)s, and they will not see you.")
                    % {"handle": other.handle},
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
    messages.success(request, _("You unblocked %(handle)s.") % {"handle": other.handle})
    return redirect("safety_blocks")
