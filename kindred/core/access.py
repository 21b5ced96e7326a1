"""Shared pieces of the authorization pattern.

Each app has an ``access.py`` with one ``access_<model>(user, id, *, write=False)``
function per protected model. They all raise :class:`NotFound` both when the
object does not exist and when the user may not see it, so an id never tells
anyone that something exists.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404

from kindred.accounts.roles import Role


class NotFound(Http404):
    """The object does not exist *or* the user may not access it (deliberately one error)."""

    def __init__(self, what: str = "object") -> None:
        super().__init__(f"No such {what}.")


def check_styleguide(user: Any) -> None:
    """The style guide is for the people who build and run the site: staff, or anyone
    on a development server (``DEBUG``). Others get the answer for a missing page."""
    if settings.DEBUG:
        return
    if not (getattr(user, "is_authenticated", False) and user.has_role(Role.STAFF)):
        raise NotFound("page")
