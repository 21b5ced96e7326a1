from __future__ import annotations

from typing import Any

from allauth.account.views import LoginView as AllauthLoginView
from allauth.mfa.base.views import AuthenticateView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kindred.accounts.access import needs_mfa_setup
from kindred.accounts.actions import do_update_profile
from kindred.accounts.adapter import allauth_wait
from kindred.accounts.forms import ProfileForm
from kindred.accounts.legal import accepted_versions, current_document
from kindred.core.markdown import render_markdown
from kindred.core.ratelimit import RateLimited, too_many_requests

TOO_MANY = "too_many_login_attempts"
# allauth's limits on its own pages, by the page's URL name (for the Retry-After).
ALLAUTH_ACTIONS = {
    "account_login": "login",
    "account_signup": "signup",
    "account_reset_password": "reset_password",
    "account_reset_password_from_key": "reset_password_from_key",
    "account_change_password": "change_password",
    "account_email": "manage_email",
    "account_reauthenticate": "reauthenticate",
}


class LoginView(AllauthLoginView):
    """allauth's login page, answering 429 with Retry-After when failures are limited
    (allauth shows its error in the form with a 200)."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, TOO_MANY):
            refusal = getattr(self.request, "login_refusal", None)
            if not isinstance(refusal, RateLimited):
                refusal = RateLimited("login", allauth_wait("login_failed"))
            too_many_requests(response, refusal)
        return response


class MFAAuthenticateView(AuthenticateView):
    """allauth's second-factor page, answering 429 when codes are limited."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error("code", TOO_MANY) or form.has_error(NON_FIELD_ERRORS, TOO_MANY):
            too_many_requests(response, RateLimited("mfa", allauth_wait("login_failed")))
        return response


def rate_limited(request: HttpRequest) -> HttpResponse:
    """allauth's 429 (it calls ``ROOT_URLCONF.handler429``): sign-up, password reset and
    login attempts past their limits. allauth does not say when its window ends, so
    Retry-After is the longest window of that page's limits: it is free by then."""
    name = request.resolver_match.url_name if request.resolver_match else None
    refusal = RateLimited(name or "allauth", allauth_wait(ALLAUTH_ACTIONS.get(name or "", "")))
    if request.path.startswith("/api/") or request.headers.get("Accept") == "application/json":
        response: HttpResponse = JsonResponse(
            {"detail": str(refusal), "code": "rate_limited", "retry_after": refusal.retry_after}
        )
    else:
        response = render(request, "429.html", {"message": str(refusal)})
    return too_many_requests(response, refusal)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        do_update_profile(user, form.cleaned_data, request=request)  # type: ignore[arg-type]
        messages.success(request, _("Your settings are saved."))
        return redirect("profile")
    if request.method == "POST":
        # ModelForm validation mutates the instance; reload so the page header
        # shows the saved handle while the form keeps what was typed.
        user.refresh_from_db()  # type: ignore[union-attr]
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "needs_mfa": needs_mfa_setup(user), "roles": sorted(user.role_names())},  # type: ignore[union-attr]
    )


def legal_page(request: HttpRequest, kind: str) -> HttpResponse:
    """The current terms of use or privacy notice: public, so people read before joining."""
    document = current_document(kind)
    accepted = accepted_versions(request.user).get(kind) if request.user.is_authenticated else None
    return render(
        request,
        "accounts/legal.html",
        {
            "document": document,
            "body": render_markdown(document.body),
            "accepted": accepted,
        },
    )
