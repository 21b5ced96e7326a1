"""The token page: list, create and revoke your personal access tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kindred.accounts.access import MFARequired, needs_mfa_setup
from kindred.api.access import access_token
from kindred.api.actions import do_create_token, do_revoke_token
from kindred.api.forms import CreateTokenForm
from kindred.api.models import ApiToken
from kindred.core.ratelimit import RateLimited, limit, too_many_requests

if TYPE_CHECKING:
    from kindred.accounts.models import User


@never_cache  # the page can hold a new token's secret
@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    user = cast("User", request.user)  # login_required
    form = CreateTokenForm(request.POST or None)
    new_token = None
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            limit(request, "tokens.create")
            token, plaintext = do_create_token(
                user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_in_days=form.cleaned_data["expires_in_days"],
                request=request,
            )
        except MFARequired:
            messages.warning(
                request,
                _(
                    "Your role gives access to sensitive information, so it needs "
                    "two-factor authentication before you can create tokens."
                ),
            )
            return redirect("mfa_activate_totp")
        except RateLimited as exc:
            form.add_error(None, str(exc))
            refusal = exc
        else:
            # Rendered, not redirected: the secret must not go into the session
            # or a URL, and this response is the only time it is shown.
            new_token = {"token": token, "plaintext": plaintext}
            form = CreateTokenForm()
    user_tokens = ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
    context = {
        "form": form,
        "new_token": new_token,
        "tokens": user_tokens,
        "needs_mfa": needs_mfa_setup(user),
    }
    response = render(request, "api/tokens.html", context)
    # The form keeps what was typed; the page says why nothing was made.
    return too_many_requests(response, refusal) if refusal else response


@require_POST
@login_required
def revoke_token(request: HttpRequest, token_id: int) -> HttpResponse:
    user = cast("User", request.user)  # login_required
    token = access_token(user, token_id, write=True)
    if do_revoke_token(user, token, request=request):
        messages.success(
            request, _("Revoked “%(name)s”. It no longer works.") % {"name": token.name}
        )
    return redirect("api_tokens")
