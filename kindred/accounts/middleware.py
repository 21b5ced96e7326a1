"""Gate every role area (``/therapist/``, ``/moderation/``, ``/staff/``, ``/admin/``),
and move a signed-in teen who has turned 18 to the adult band.

Putting the gate on URL prefixes means a new view inside an area cannot forget
it; the views still call their app's ``access_*`` functions for object checks.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from kindred.accounts.access import MFARequired, check_role
from kindred.accounts.actions import do_move_to_adult
from kindred.accounts.age import came_of_age
from kindred.accounts.roles import Role
from kindred.core.access import NotFound

ROLE_AREAS: tuple[tuple[str, str], ...] = (
    ("/therapist/", Role.THERAPIST),
    ("/moderation/", Role.MODERATOR),
    ("/staff/", Role.STAFF),
    ("/admin/", Role.STAFF),
)


def role_for_path(path: str) -> str | None:
    for prefix, role in ROLE_AREAS:
        if path.startswith(prefix):
            return role
    return None


class RoleMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        role = role_for_path(request.path)
        if role is not None:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            try:
                check_role(request.user, role)
            except MFARequired:
                messages.warning(
                    request,
                    "Your role gives access to sensitive information, so it needs "
                    "two-factor authentication. Please set it up to continue.",
                )
                return redirect("mfa_activate_totp")
            except NotFound:
                from django.http import Http404

                raise Http404("No such page.") from None
        return self.get_response(request)


class AgeBandMiddleware:
    """A teen's 18th birthday takes effect on their next request, worker or not.

    The check reads the already-loaded user (no query) and is skipped without a
    session cookie, so anonymous pages stay free of ``Vary: Cookie``. The move itself
    happens once (see :func:`do_move_to_adult`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME in request.COOKIES and came_of_age(request.user):
            do_move_to_adult(request.user, request=request)  # type: ignore[arg-type]
        return self.get_response(request)
