"""The signed-in home ("Today"), the mood check-in and the welcome steps."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from kindred.accounts.age import today_for
from kindred.core import views as core_views
from kindred.core.http import AuthedHttpRequest
from kindred.safety.models import CrisisCountry
from kindred.today.access import check_member, is_member
from kindred.today.actions import do_finish_onboarding, do_record_mood
from kindred.today.forms import MoodForm, WelcomeForm
from kindred.today.models import OnboardingReason
from kindred.today.queries import today_for_user
from kindred.today.signals import SESSION_KEY

# Where each answer to "what brings you here" leads.
NEXT_BY_REASON: dict[str, str] = {
    OnboardingReason.TALK: "peers_home",
    OnboardingReason.GROUP: "groups_list",
    OnboardingReason.THERAPY: "therapy_directory",
    OnboardingReason.UNSURE: "guide",
}


def home(request: HttpRequest) -> HttpResponse:
    """Visitors see what Kindred is; a signed-in person sees their day."""
    if not request.user.is_authenticated:
        return core_views.home(request)
    if request.session.get(SESSION_KEY) and is_member(request.user):
        return redirect("today_welcome")
    data = today_for_user(request.user, timezone.now())
    return render(
        request,
        "today/today.html",
        {
            "data": data,
            "mood_form": MoodForm(),
            # The nav's badge reads this instead of counting again.
            "unread_notifications": data.counters.unread_notifications,
        },
    )


@login_required
@require_POST
def mood(request: AuthedHttpRequest) -> HttpResponse:
    check_member(request.user)
    form = MoodForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors.get("score", [])))
        return redirect("home")
    do_record_mood(
        request.user, form.cleaned_data["score"], today_for(request.user), request=request
    )
    messages.success(request, gettext("Thank you for checking in. Only you can see this."))
    return redirect("home")


@login_required
@require_http_methods(["GET", "POST"])
def welcome(request: AuthedHttpRequest) -> HttpResponse:
    check_member(request.user)
    countries = list(
        CrisisCountry.objects.exclude(code="XX").order_by("name").values_list("code", "name")
    )
    user = request.user
    form = WelcomeForm(
        request.POST or None,
        countries=countries,
        initial={"country": user.country, "timezone": user.timezone},
    )
    if request.method == "POST":
        if request.POST.get("skip"):
            do_finish_onboarding(user, request=request)
            request.session.pop(SESSION_KEY, None)
            return redirect("home")
        if form.is_valid():
            reason = form.cleaned_data.get("reason") or ""
            do_finish_onboarding(
                user, reason=reason, profile=form.profile_changes(), request=request
            )
            request.session.pop(SESSION_KEY, None)
            return redirect(NEXT_BY_REASON.get(reason, "home"))
        return render(request, "today/welcome.html", {"form": form}, status=422)
    return render(request, "today/welcome.html", {"form": form})
