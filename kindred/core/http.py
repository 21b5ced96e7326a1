from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from kindred.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    """A request that has passed login_required or a role gate."""

    user: User
