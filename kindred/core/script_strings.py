"""What the page scripts show, translated on the server.

The scripts write text for live events (a room closing, a new flag, a hand raised).
Each script's words are a catalogue registered here by the app that owns the script;
the page that loads a script renders them with ``{% script_strings "rooms" %}`` in the
reader's language, and the script reads them through ``kindredStrings("rooms")``
(``static/kindred/app.js``). No extra request, and nothing executable: ``json_script``
writes an inert JSON element. Placeholders are ``%(name)s``, as in gettext; a
placeholder may stand for a link.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kindred.core.registry import Registry

SCRIPT_STRINGS: Registry[Mapping[str, Promise]] = Registry("script strings")


def register_script_strings(name: str, strings: Mapping[str, Promise]) -> None:
    SCRIPT_STRINGS.register(name, strings)


def catalogue(name: str) -> dict[str, str]:
    """A script's words in the active language, as plain text for JSON."""
    return {key: str(text) for key, text in SCRIPT_STRINGS.get(name).items()}


# static/kindred/app.js: the moderators' live alerts.
register_script_strings(
    "core",
    {
        "report": _("A new member report arrived."),
        "flag_high": _("A new high-risk flag arrived."),
        "flag_moderate": _("A new moderate-risk flag arrived."),
        "flag_low": _("A new low-risk flag arrived."),
        "open_flag": _("Open flag #%(number)s"),
    },
)
