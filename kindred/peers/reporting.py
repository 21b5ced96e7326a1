"""Lets either person in a connection report the other through the safety report form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kindred.safety import reportables

if TYPE_CHECKING:
    from kindred.accounts.models import User


def resolve_connection(reporter: User, source_id: str) -> tuple[User, str, str]:
    from kindred.core.access import NotFound
    from kindred.peers.access import access_connection

    if not source_id.isdigit():
        raise NotFound("connection")
    connection = access_connection(reporter, int(source_id))
    if connection.requester_id == reporter.pk:
        return connection.recipient, "", "peers"
    # The request note is the one thing the other person wrote here outside the chat.
    return connection.requester, connection.note, "peers"


def register_reportables() -> None:
    reportables.register("peers.connection", resolve_connection)
