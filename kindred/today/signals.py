"""Onboarding is offered once, to people who have just signed up."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from kindred.today.models import Onboarding

if TYPE_CHECKING:
    from kindred.accounts.models import User

SESSION_KEY = "today_onboarding"


def start_onboarding(
    sender: type[User], request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    Onboarding.objects.get_or_create(user=user)
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = True


def remember_onboarding(
    sender: type[User], request: HttpRequest | None, user: User, **kwargs: Any
) -> None:
    # Read once at sign-in and kept in the session, so the home page needs no query
    # to know whether to show the welcome steps first.
    if request is None or not hasattr(request, "session"):
        return
    if Onboarding.objects.filter(user_id=user.pk, finished_at__isnull=True).exists():
        request.session[SESSION_KEY] = True
    else:
        request.session.pop(SESSION_KEY, None)
