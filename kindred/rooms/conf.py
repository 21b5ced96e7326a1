"""Rooms settings, read from the environment (each may also be set in Django settings).

* ``ROOM_MAX_MESSAGE_LENGTH`` — characters per message (default 2,000).
* ``ROOM_RATE_LIMIT_MESSAGES`` / ``ROOM_RATE_LIMIT_SECONDS`` — at most that many messages
  per person per room in that window (default 10 per 10 s), counted in the shared cache so
  the limit holds across ASGI processes.
* ``ROOM_RETENTION_DAYS`` — messages are deleted this many days after their room closed
  (default 30).
* ``ROOM_PRESENCE_STALE_SECONDS`` — an open-connection row not refreshed for this long
  belongs to a process that died and is ignored, then swept (default 90).
* ``ROOM_SOCKETS_PER_USER`` / ``ROOM_SOCKETS_PER_ADDRESS`` — open room sockets one person,
  and one address (an IPv6 /64), may hold across all rooms and processes (default 20 and
  200: a clinic or school behind one address). Over the cap the socket is closed with 4429.
* ``ROOM_DB_READ_THREADS`` — threads per process for the sockets' read-only queries on
  PostgreSQL (default 4; a thread takes a connection only while it reads; 0 keeps them
  on the one database thread). See :mod:`kindred.rooms.consumers`.
"""

from __future__ import annotations

from django.conf import settings

from kindred.env import env_int

_DEFAULTS = {
    "ROOM_MAX_MESSAGE_LENGTH": env_int("ROOM_MAX_MESSAGE_LENGTH", 2000),
    "ROOM_RATE_LIMIT_MESSAGES": env_int("ROOM_RATE_LIMIT_MESSAGES", 10),
    "ROOM_RATE_LIMIT_SECONDS": env_int("ROOM_RATE_LIMIT_SECONDS", 10),
    "ROOM_RETENTION_DAYS": env_int("ROOM_RETENTION_DAYS", 30),
    "ROOM_PRESENCE_STALE_SECONDS": env_int("ROOM_PRESENCE_STALE_SECONDS", 90),
    "ROOM_SOCKETS_PER_USER": env_int("ROOM_SOCKETS_PER_USER", 20),
    "ROOM_SOCKETS_PER_ADDRESS": env_int("ROOM_SOCKETS_PER_ADDRESS", 200),
    "ROOM_DB_READ_THREADS": env_int("ROOM_DB_READ_THREADS", 4),
}


def get(name: str) -> int:
    """The setting's value: Django settings (tests override there) win over the environment."""
    return int(getattr(settings, name, _DEFAULTS[name]))
