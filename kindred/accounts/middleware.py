"""Two gates in front of every view, and the age band kept current.

* **Role areas** (``/therapist/``, ``/moderation/``, ``/staff/``, ``/admin/``):
  anonymous visitors are sent to log in and people without the area's role get a
  404, so a new view inside an area cannot forget the role check. The views still
  call their app's ``access_*`` functions for object checks.
* **The second factor** (:func:`kindred.accounts.access.check_mfa`): it is a
  property of the account, not of a URL. While an account holds a role that needs
  one and has none, every resolved route except :data:`MFA_EXEMPT_VIEWS` is refused:
  pages redirect to the TOTP set-up, the JSON API answers 403 ``mfa_required``.
  API tokens are checked by the same function in ``kindred.api.auth``; sockets
  in :mod:`kindred.accounts.sockets`.
* **Age** (:class:`AgeBandMiddleware`): a signed-in teen who has turned 18 moves to
  the adult band on their next request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext

from kindred.accounts.access import MFARequired, check_mfa, describe_mfa_required
from kindred.accounts.actions import do_move_to_adult
from kindred.accounts.age import came_of_age
from kindred.core.roles import Role
from kindred.core.when import zone_of

ROLE_AREAS: tuple[tuple[str, str], ...] = (
    ("/therapist/", Role.THERAPIST),
    ("/moderation/", Role.MODERATOR),
    ("/staff/", Role.STAFF),
    ("/admin/", Role.STAFF),
)

# What an account that still needs its second factor may reach (resolved view names):
# setting the factor up (allauth asks for the password again first, and refuses an
# unverified email address), signing in and out, the health check and crisis help.
# Everything else is refused, so a new route is gated without anyone remembering to.
MFA_EXEMPT_VIEWS = frozenset(
    {
        "account_login",
        "account_logout",
        "account_reauthenticate",
        "account_email",
        "account_email_verification_sent",
        "account_confirm_email",
        "mfa_index",
        "mfa_activate_totp",
        "mfa_reauthenticate",
        "healthz",
        "get_help",
        "api-v1:get_crisis_resources",
    }
)


def role_for_path(path: str) -> str | None:
    for prefix, role in ROLE_AREAS:
        if path.startswith(prefix):
            return role
    return None


def is_api_request(request: HttpRequest) -> bool:
    """Whether the resolved route belongs to the JSON API (django-ninja's URLs)."""
    match = request.resolver_match
    return match is not None and "ninja" in match.app_names


class RoleMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        role = role_for_path(request.path)
        if role is not None:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_role(role):
                raise Http404("No such page.")
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        try:
            check_mfa(request.user)
        except MFARequired as exc:
            # Templates leave the live-events socket off: it would be refused.
            request.mfa_pending = True  # type: ignore[attr-defined]
            match = request.resolver_match
            if match is not None and match.view_name in MFA_EXEMPT_VIEWS:
                return None
            if is_api_request(request):
                return JsonResponse(describe_mfa_required(exc), status=403)
            messages.warning(
                request,
                gettext(
                    "Your role gives access to sensitive information, so your account "
                    "needs two-factor authentication. Please set it up to continue."
                ),
            )
            return redirect("mfa_activate_totp")
        return None


class AgeBandMiddleware:
    """A teen's 18th birthday takes effect on their next request, worker or not.

    The check reads the already-loaded user (no query) and is skipped without a
    session cookie, so anonymous pages stay free of ``Vary: Cookie``. The move itself
    happens once (see :func:`do_move_to_adult`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.SESSION_COOKIE_NAME in request.COOKIES
            and user.is_authenticated
            and came_of_age(user)
        ):
            do_move_to_adult(user, request=request)
        return self.get_response(request)


class TimeZoneMiddleware:
    """Pages show times on the viewer's clock: the signed-in person's zone is active
    for the request (visitors see UTC), so ``|date`` and ``|time`` convert by themselves."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            with timezone.override(zone_of(user)):
                return self.get_response(request)
        return self.get_response(request)
