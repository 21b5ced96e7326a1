"""The words ``static/rooms/room.js`` shows in a live room, in the reader's language.

Registered with ``kindred.core.script_strings`` from ``apps.py``; the page that loads
the script renders them with ``{% script_strings "rooms" %}``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

STRINGS = {
    "connected": _("Connected."),
    "closed": _("This room is closed."),
    "cannot_join": _("You can no longer join this room."),
    "too_many": _("You have too many rooms open. Close some of them, then reload this page."),
    "catching_up": _("Catching up…"),
    "reconnecting": _("Connection lost. Reconnecting…"),
    "write_first": _("Write something first."),
    "offline": _(
        "Not connected right now. Your message is still here; send it again once reconnected."
    ),
    "removed": _("You were removed from this room."),
    "earlier_loaded": _("Earlier messages loaded."),
    "no_earlier": _("No earlier messages."),
    "earlier_failed": _("Could not load earlier messages. Try again."),
    "you": _("You"),
    "held": _(" · only you can see this until a moderator has looked at it"),
    "hidden": _(" · a moderator has hidden this from the others in the room"),
    "present_you": _("%(handle)s (you)"),
    "typing": _("%(handle)s is typing…"),
}
