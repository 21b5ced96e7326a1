from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kindred.accounts.access import needs_mfa_setup
from kindred.accounts.actions import do_update_profile
from kindred.accounts.forms import ProfileForm


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        do_update_profile(user, form.cleaned_data, request=request)  # type: ignore[arg-type]
        messages.success(request, "Your settings are saved.")
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
