from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kindred.core.http import AuthedHttpRequest
from kindred.therapy import actions
from kindred.therapy.access import access_profile, own_profile
from kindred.therapy.directory import (
    CHECKBOX_GROUPS,
    NEXT_FREE_DAYS,
    DirectoryForm,
    Result,
    fee_detail,
    page,
)
from kindred.therapy.forms import LICENCE_NOTE, ProfileForm, RejectForm, VerifyForm
from kindred.therapy.models import ProfileStatus, TherapistProfile
from kindred.therapy.queries import profile_detail

# --- Public directory -------------------------------------------------------------


def viewer_zone(request: HttpRequest) -> str:
    """The zone times are shown in: the member's own, UTC for a visitor (who is told so)."""
    zone = str(getattr(request.user, "timezone", "") or "UTC")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        # A zone name the system no longer knows must not break the page.
        return "UTC"
    return zone


def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryForm(request.GET or None)
    filters = form.active_filters()
    results, next_after = page(filters, request.GET.get("after"))
    next_url = None
    if next_after:
        params = request.GET.copy()
        params["after"] = next_after
        next_url = "?" + params.urlencode()
    groups = [form[name] for name in CHECKBOX_GROUPS]
    others = [field for field in form if field.name not in CHECKBOX_GROUPS]
    return render(
        request,
        "therapy/directory.html",
        {
            "form": form,
            "checkbox_groups": groups,
            "other_fields": others,
            "results": results,
            "next_url": next_url,
            "filtered": bool(filters),
            "filter_count": len(filters),
            "zone": viewer_zone(request),
            "days": NEXT_FREE_DAYS,
        },
    )


def public_profile(request: HttpRequest, profile_id: int) -> HttpResponse:
    detail = profile_detail(request.user, profile_id)
    profile = detail.profile
    return render(
        request,
        "therapy/public_profile.html",
        {
            "profile": profile,
            "card": Result(profile=profile, reasons=[], facets=detail.facets),
            "facets": detail.facets,
            "fee": fee_detail(profile),
            "free_times": detail.free_times,
            "zone": viewer_zone(request),
            "days": NEXT_FREE_DAYS,
            "preview": not detail.listed,
        },
    )


# --- Therapist workspace (/therapist/) ---------------------------------------------


def therapist_home(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "therapy/therapist_home.html", {"profile": own_profile(request.user)})


def edit_profile(request: AuthedHttpRequest) -> HttpResponse:
    profile = own_profile(request.user) or TherapistProfile(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data}
        try:
            saved = actions.do_save_profile(request.user, data, request=request)
        except actions.TherapyError as exc:
            form.add_error(None, str(exc))
        else:
            if saved.unlisted:
                messages.warning(
                    request,
                    _(
                        "You changed your licence details, so your profile is out of the "
                        "directory until staff check the licence again."
                    ),
                )
            else:
                messages.success(request, _("Your profile is saved."))
            return redirect("therapist_profile")
    missing = actions.missing_for_submission(profile, timezone.now().date()) if profile.pk else []
    return render(
        request,
        "therapy/edit_profile.html",
        {
            "form": form,
            "profile": profile,
            "missing": missing,
            "can_submit": profile.pk
            and profile.status in (ProfileStatus.DRAFT, ProfileStatus.REJECTED),
            "licence_note": LICENCE_NOTE,
        },
        status=422 if request.method == "POST" else 200,
    )


@require_POST
def submit_profile(request: AuthedHttpRequest) -> HttpResponse:
    try:
        actions.do_submit_for_verification(request.user, request=request)
    except actions.TherapyError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Submitted. Staff will check your licence; we'll let you know the outcome."),
        )
    return redirect("therapist_profile")


# --- Staff review (/staff/therapists/) ----------------------------------------------


def review_queue(request: AuthedHttpRequest) -> HttpResponse:
    waiting = (
        TherapistProfile.objects.filter(status=ProfileStatus.SUBMITTED)
        .select_related("user")
        .order_by("submitted_at", "id")[:200]
    )
    return render(request, "therapy/review_queue.html", {"waiting": waiting})


def review_profile(request: AuthedHttpRequest, profile_id: int) -> HttpResponse:
    profile = access_profile(request.user, profile_id)
    verify_form = VerifyForm(prefix="verify")
    reject_form = RejectForm(prefix="reject")
    if request.method == "POST":
        decision = request.POST.get("decision")
        form = VerifyForm(request.POST, prefix="verify")
        if decision == "reject":
            form = reject_form = RejectForm(request.POST, prefix="reject")
        else:
            verify_form = form
        if form.is_valid():
            try:
                if decision == "reject":
                    actions.do_reject(request.user, profile, request=request, **form.cleaned_data)
                else:
                    actions.do_verify(request.user, profile, request=request, **form.cleaned_data)
            except actions.TherapyError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Recorded: profile #%(id)s %(decision)s.")
                    % {"id": profile.pk, "decision": decision or "verified"},
                )
                return redirect("staff_therapist_queue")
    return render(
        request,
        "therapy/review_profile.html",
        {
            "profile": profile,
            "facets": profile.facet_labels(),
            "fee": fee_detail(profile),
            "checks": profile.verifications.select_related("checked_by").order_by("-checked_at"),
            "verify_form": verify_form,
            "reject_form": reject_form,
            "waiting": profile.status == ProfileStatus.SUBMITTED,
        },
        status=422 if request.method == "POST" else 200,
    )
