"""Opening a live room's WebSocket as a signed-in browser does (the load benchmarks' clients)."""

from __future__ import annotations

from typing import Any


async def open_room_socket(
    port: int, room: int, session: str, *, after: int, open_timeout: float
) -> Any:
    """A connection to room ``room`` resuming after seq ``after``, with the session cookie
    and the page's origin. No protocol pings: browsers send none (room.js pings in-band);
    the server still does."""
    import websockets

    return await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/rooms/{room}/?after={after}",
        origin=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
        additional_headers={"Cookie": f"sessionid={session}"},
        open_timeout=open_timeout,
        max_queue=None,
        ping_interval=None,
    )
