"""Onboarding is offered once, to people who have just signed up."""

from __future__ import annotations

from typing import Any

from kindred.today.models import Onboarding

SESSION_KEY = "today_onboarding"


def start_onboarding(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    Onboarding.objects.get_or_create(user=user)
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = True


def remember_onboarding(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # Read once at sign-in and kept in the session, so the home page needs no query
    # to know whether to show the welcome steps first.
    if request is None or not hasattr(request, "session"):
        return
    if Onboarding.objects.filter(user_id=user.pk, finished_at__isnull=True).exists():
        request.session[SESSION_KEY] = True
    else:
        request.session.pop(SESSION_KEY, None)
