"""The words ``static/groups/session.js`` shows on a facilitator's live session page.

Registered with ``kindred.core.script_strings`` from ``apps.py``; the page that loads
the script renders them with ``{% script_strings "groups" %}``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# What a facilitator is asked to do when someone in the room may be at risk. Peers,
# not clinicians: stay with the person, get them to help, hand over to moderators.
RISK_STEPS = (
    _(
        "Reach out to them privately now (“Write to them privately” below), kindly and "
        "directly: ask how they are and whether they are safe."
    ),
    _(
        "If they may act on it soon, share the crisis lines below and encourage them to "
        "call or use the Get help now page."
    ),
    _("Keep the group safe: pause the topic or take a short break if the room needs it."),
    _("A moderator has been alerted too; you don't have to handle this alone."),
    _("If someone is in immediate danger, call the local emergency number."),
)

STRINGS = {
    "risk_high": _(
        "%(handle)s wrote something that suggests high risk. Only you and the moderators are told."
    ),
    "risk_moderate": _(
        "%(handle)s wrote something that suggests moderate risk. Only you and the "
        "moderators are told."
    ),
    "risk_low": _(
        "%(handle)s wrote something that suggests low risk. Only you and the moderators are told."
    ),
    "write_privately": _("Write to %(handle)s privately"),
    "crisis_lines": _("Crisis lines: %(country)s"),
    "crisis_lines_emergency": _("Crisis lines: %(country)s (emergency %(numbers)s)"),
    "emergency_or": _("%(first)s or %(second)s"),
    "line_call": _("%(line)s · call %(phone)s"),
    "get_help": _("Get help now page"),
    "your_turn": _("It's your turn to speak."),
    "checked_in": _("Checked in"),
    "muted": _("Muted"),
    "you_are_muted": _("The facilitator has muted you."),
    "you_can_write": _("You can write again."),
    "cancelled": _("This session has been cancelled."),
    "ended": _("The session has ended. Thank you for being here."),
    **{f"risk_step_{number}": step for number, step in enumerate(RISK_STEPS, 1)},
}
