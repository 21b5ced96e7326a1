from typing import Any

from django.conf import settings
from django.http import HttpRequest

from kindred.core.notifications import unread_count


def site(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    roles = user.role_names() if user.is_authenticated else set()
    return {
        "SITE_NAME": settings.SITE_NAME,
        "user_roles": roles,
        "DEMO_MODE": settings.DEMO_MODE,
        # Lazy: evaluated only by templates that show the badge.
        "unread_notifications": (lambda: unread_count(user)) if user.is_authenticated else 0,
    }
