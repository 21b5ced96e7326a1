"""The second-factor gate for WebSockets (see :func:`kindred.accounts.access.check_mfa`).

An account that holds a role needing a second factor and has none is refused at
connect, on every socket route: it joins no channel group (its own, a room's, or
the moderator and staff role groups that carry ``flag.raised``) until the factor
is active. Refusing the whole connection rather than leaving out the role groups
keeps one rule for pages, API and sockets: such an account may only set the
factor up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from channels.db import database_sync_to_async

from kindred.accounts.access import MFARequired, check_mfa

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kindred.accounts.models import User

# Refused before accept, like a room that is not yours (kindred.rooms.consumers.DENIED).
MFA_REQUIRED_CLOSE_CODE = 4403


def _mfa_missing(user: User | AnonymousUser) -> bool:
    try:
        check_mfa(user)
    except MFARequired:
        return True
    return False


class SocketMFAGate:
    """ASGI middleware in front of the socket routes; needs ``scope["user"]``.

    Put it inside channels' ``AuthMiddlewareStack`` (which resolves the user).
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] == "websocket" and await database_sync_to_async(_mfa_missing)(
            scope.get("user")
        ):
            message = await receive()
            if message["type"] == "websocket.connect":
                await send({"type": "websocket.close", "code": MFA_REQUIRED_CLOSE_CODE})
            return None
        return await self.inner(scope, receive, send)
