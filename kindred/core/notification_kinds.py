"""Which notifications a person may switch off, and how they arrive by default.

Notifications are grouped into *categories* a person understands ("Replies to my
posts", "Sessions and bookings"); each category names the ``Notification.kind``
strings it covers. The strings are data, not imports: core stays below every app.
A kind in no category (a high-risk flag for the moderator on duty, a licence
that expired, a moderator hiding one's post or suspending one's account) cannot be
switched off: it is part of someone's job, their safety or their standing here.

Categories with ``email_default`` also send an e-mail (a title and a link, never
what anyone wrote) unless the person switched it off. Kinds whose sending code
writes its own, richer e-mail (reminders) are in ``EMAILED_BY_SENDER``: the sender
asks :func:`kindred.core.notification_prefs.wants_email` first, and ``do_notify``
sends no second copy.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kindred.core.registry import Registry


@dataclass(frozen=True)
class NotificationCategory:
    key: str
    label: str | Promise
    kinds: frozenset[str]
    email_default: bool = False
    # Roles for whom the category means anything (None: everyone signed in).
    roles: frozenset[str] | None = None


NOTIFICATION_CATEGORIES = Registry[NotificationCategory](
    "notification categories", max_key_length=30
)


def _category(
    key: str,
    label: str | Promise,
    kinds: set[str],
    *,
    email: bool = False,
    roles: set[str] | None = None,
) -> None:
    NOTIFICATION_CATEGORIES.register(
        key,
        NotificationCategory(
            key=key,
            label=label,
            kinds=frozenset(kinds),
            email_default=email,
            roles=frozenset(roles) if roles is not None else None,
        ),
    )


# Who a category means something to (roles from kindred.core.roles, as strings).
MEMBERS = {"member"}

_category("replies", _("Replies to my threads"), {"community.reply"}, roles=MEMBERS)
_category("mentions", _("Mentions of my handle"), {"community.mention"}, roles=MEMBERS)
_category("reactions", _("Reactions to my posts"), {"community.reaction"}, roles=MEMBERS)
_category(
    "connections",
    _("Peer connection requests and changes"),
    {"peers.request", "peers.accepted", "peers.ended"},
    email=True,
    roles=MEMBERS,
)
_category(
    "questionnaires",
    _("Questionnaires to complete"),
    {"measures.assigned", "measure_reminder"},
    email=True,
    roles=MEMBERS,
)
_category(
    "bookings",
    _("Therapy sessions: bookings, changes and reminders"),
    {"booking", "booking_reminder"},
    email=True,
    roles=MEMBERS | {"therapist"},
)
_category(
    "groups",
    _("Group sessions: changes and reminders"),
    {
        "groups.promoted",
        "groups.session_cancelled",
        "groups.group_archived",
        "groups.room_opened",
        "groups.popup_opened",
        "groups.reminder",
        "groups.rate",
    },
    email=True,
    roles=MEMBERS | {"facilitator"},
)
_category(
    "messages",
    _("Messages from my therapist or clients"),
    {"messaging.message"},
    email=True,
    roles=MEMBERS | {"therapist"},
)
_category(
    "moderators",
    _("Messages from the moderators"),
    {"safety.message"},
    email=True,
    roles=MEMBERS,
)
_category(
    "care",
    _("My care team and treatment plan"),
    {
        "care_grant",
        "care_referral",
        "care_discharge",
        "plans.plan_created",
        "plans.plan_revised",
        "plans.comment_added",
    },
)

# Sending code that e-mails on its own (see the module docstring). A booking's own
# confirmation and cancellation e-mails carry the calendar invitation and go whatever
# the switch says; the reminders ask first.
EMAILED_BY_SENDER = frozenset(
    {"measure_reminder", "booking", "booking_reminder", "groups.reminder"}
)


def category_of(kind: str) -> NotificationCategory | None:
    for category in NOTIFICATION_CATEGORIES.values():
        if kind in category.kinds:
            return category
    return None


def categories_for(roles: set[str]) -> list[NotificationCategory]:
    return [c for c in NOTIFICATION_CATEGORIES.values() if c.roles is None or c.roles & roles]
