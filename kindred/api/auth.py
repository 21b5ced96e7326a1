"""How API callers prove who they are.

Two ways, tried in this order:

* ``Authorization: Bearer kdr_<id>_<secret>``: a personal access token, for
  scripts and apps. A bearer header that is present but wrong, revoked or
  expired gets 401 at once (it never falls back to the session).
* The browser's session cookie, with Django's CSRF check on unsafe methods.

Either way an account that holds a role needing a second factor without one
gets 403 ``mfa_required`` (for sessions that is RoleMFAMiddleware, before ninja).
Wrong tokens are counted per client address (``RATE_LIMITS["api.token_failed"]``);
past the limit every bearer attempt from there gets 429 until the window ends.

``request.api_token`` is the token used, or None for a session.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError, AuthorizationError
from ninja.security import HttpBearer, SessionAuth

from kindred.accounts.access import check_mfa
from kindred.accounts.actions import do_move_to_adult
from kindred.api.credentials import parse_token
from kindred.api.models import ApiToken, Scope
from kindred.core.ratelimit import limit
from kindred.core.secrets import secret_matches

if TYPE_CHECKING:
    from kindred.accounts.models import User

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Writing last_used_at on every call would make each read a write; a minute's
# precision is plenty to spot a token that is still in use.
LAST_USED_PRECISION = timedelta(minutes=1)
# Hashed with the real scheme so a lookup miss takes as long as a wrong secret.
_DUMMY_HASH = "0" * 64


class InvalidToken(AuthenticationError):
    def __init__(self) -> None:
        super().__init__(401, "Invalid, expired or revoked token.")


class TokenAuth(HttpBearer):
    """Personal access tokens (``kdr_…``); unsafe methods need the ``write`` scope."""

    def __call__(self, request: HttpRequest) -> Any:
        # ninja's version logs a non-Bearer header in DEBUG; it may hold a secret.
        scheme, _, value = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer":
            return None
        return self.authenticate(request, value)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        request.api_token = None  # type: ignore[attr-defined]
        # Every bearer attempt counts against its address (429 past the limit, even for
        # a right token, so guessing learns nothing); a token that works is taken back.
        attempt = limit(request, "api.token_failed", user=None)
        parsed = parse_token(token)
        if parsed is None:
            raise InvalidToken()
        row = ApiToken.objects.select_related("user").filter(public_id=parsed.public_id).first()
        matches = secret_matches(parsed.secret, row.secret_hash if row else _DUMMY_HASH)
        now = timezone.now()
        if row is None or not matches or not row.is_usable(now) or not row.user.is_active:
            raise InvalidToken()
        attempt.refund()
        # The same account-wide check as pages and sessions (RoleMFAMiddleware): the
        # account may have gained an MFA-only role after the token was made.
        check_mfa(row.user)
        request.api_token = row  # type: ignore[attr-defined]
        # Token calls carry no session, so the age-band middleware never sees them.
        do_move_to_adult(row.user, request=request)
        if request.method not in SAFE_METHODS:
            require_scope(request, Scope.WRITE)
        else:
            require_scope(request, Scope.READ)
        if row.last_used_at is None or now - row.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        return row.user


class BrowserSessionAuth(SessionAuth):
    """ninja's ``django_auth`` (CSRF enforced on unsafe methods), but a caller
    with no session gets 401 rather than a CSRF error."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        request.api_token = None  # type: ignore[attr-defined]
        return super().__call__(request)


def get_api_user(request: HttpRequest) -> User:
    """The authenticated caller (only on endpoints that require auth)."""
    return cast("User", request.auth)  # type: ignore[attr-defined]


def require_scope(request: HttpRequest, scope: str) -> None:
    """403 unless the caller's token grants ``scope`` (a session grants all)."""
    token: ApiToken | None = getattr(request, "api_token", None)
    if token is not None and scope not in token.granted_scopes():
        raise AuthorizationError(403, f"This token lacks the '{scope}' scope.")


def require_session(request: HttpRequest) -> None:
    """403 for token callers: some things need a person at the website."""
    if getattr(request, "api_token", None) is not None:
        raise AuthorizationError(403, "Sign in on the website to do this; tokens cannot.")


token_auth = TokenAuth()
session_auth = BrowserSessionAuth()


def allow_visitor(request: HttpRequest) -> AnonymousUser:
    """Last in a read endpoint's auth list: no credentials reads as a visitor.

    A bearer header that is present but wrong still gets 401 from ``token_auth``.
    """
    return AnonymousUser()


READ_AUTH = [token_auth, session_auth, allow_visitor]


def get_reader(request: HttpRequest) -> Any:
    """The caller of a read endpoint: a user, or ``AnonymousUser`` for a visitor."""
    return request.auth  # type: ignore[attr-defined]
