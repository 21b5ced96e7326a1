"""The deletion pages under /accounts/data/: ask, confirm, and cancel on signing in."""

from __future__ import annotations

import time

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kindred.accounts.deletion import INACTIVE_SIGN_IN
from kindred.accounts.models import User
from kindred.core.http import AuthedHttpRequest
from kindred.rights.deletion import (
    DeletionError,
    check_schedule_deletion,
    do_cancel_deletion,
    do_schedule_deletion,
    grace_period,
    open_duties,
    pending_deletion,
)
from kindred.rights.deletion_forms import DeletionForm
from kindred.rights.deletion_models import PostsChoice

# Session keys, and how long each proof lasts: the password checked on the first
# step, and the password given at sign-in to an account whose deletion is pending.
CONFIRM_KEY = "rights.deletion_confirm"
CANCEL_KEY = "rights.deletion_cancel"
PROOF_SECONDS = 10 * 60


def _fresh(proof: object, user_id: int | None = None) -> dict[str, object] | None:
    if not isinstance(proof, dict) or time.time() - float(proof.get("at", 0)) > PROOF_SECONDS:
        return None
    if user_id is not None and proof.get("user") != user_id:
        return None
    return proof


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: AuthedHttpRequest) -> HttpResponse:
    """Step one: what happens, the posts choice and the password."""
    user = request.user
    form = DeletionForm(request.POST or None)
    duties = open_duties(user)
    if request.method == "POST" and form.is_valid() and not duties:
        try:
            check_schedule_deletion(user, password=form.cleaned_data["password"])
        except DeletionError as refusal:
            form.add_error("password", str(refusal))
        else:
            request.session[CONFIRM_KEY] = {
                "user": user.pk,
                "posts": form.cleaned_data["posts"],
                "at": time.time(),
            }
            return redirect("rights:deletion_confirm")
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "rights/deletion.html",
        {"form": form, "duties": duties, "grace_days": grace_period().days},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def confirm_deletion(request: AuthedHttpRequest) -> HttpResponse:
    """Step two: one last look, then the account is signed out everywhere."""
    user = request.user
    proof = _fresh(request.session.get(CONFIRM_KEY), user.pk)
    if proof is None:
        messages.info(request, _("Please enter your password again."))
        return redirect("rights:deletion")
    posts = str(proof["posts"])
    if request.method == "POST":
        try:
            # Duties may have arrived since step one (a booking made in between).
            check_schedule_deletion(user, password=None, recently_reauthenticated=True)
        except DeletionError as refusal:
            messages.error(request, str(refusal))
            return redirect("rights:deletion")
        scheduled = do_schedule_deletion(user, posts=posts, actor=user, request=request)
        logout(request)
        return render(request, "rights/deletion_scheduled.html", {"deletion": scheduled.deletion})
    return render(
        request,
        "rights/deletion_confirm.html",
        {
            "keeps_posts": posts == PostsChoice.ANONYMISE,
            "grace_days": grace_period().days,
        },
    )


@require_http_methods(["GET", "POST"])
def cancel_deletion(request: HttpRequest) -> HttpResponse:
    """Reached by signing in to an account whose deletion is pending (the password
    was right; the account is inactive, so the sign-in itself went no further)."""
    proof = _fresh(request.session.get(CANCEL_KEY))
    user_id = proof.get("user") if proof else None
    user = User.objects.filter(pk=user_id).first() if isinstance(user_id, int) else None
    deletion = pending_deletion(user) if user is not None else None
    if user is None or deletion is None:
        return redirect("account_login")
    if request.method == "POST":
        request.session.pop(CANCEL_KEY, None)
        do_cancel_deletion(user, request=request)
        messages.success(
            request, _("Your account will not be deleted. Please sign in to continue.")
        )
        return redirect("account_login")
    return render(request, "rights/deletion_cancel.html", {"deletion": deletion})


def offer_cancel(request: HttpRequest, user: User) -> HttpResponse | None:
    """Signing in with the right password to an account pending deletion: offer to
    cancel. (Registered into accounts, which knows nothing of this app.)"""
    if pending_deletion(user) is None:
        return None
    request.session[CANCEL_KEY] = {"user": user.pk, "at": time.time()}
    return redirect(reverse("rights:deletion_cancel"))


INACTIVE_SIGN_IN.register("rights.deletion", offer_cancel)
