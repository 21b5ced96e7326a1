from django.http import HttpRequest

from kindred.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    """A request that has passed login_required or a role gate."""

    user: User
