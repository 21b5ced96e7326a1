"""The roles a Kindred account can hold (several at once).

In ``core`` because every app, ``core`` included, gates on them, and ``core`` imports no app.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    PEER_SUPPORTER = "peer_supporter", _("Peer supporter")
    FACILITATOR = "facilitator", _("Facilitator")
    THERAPIST = "therapist", _("Therapist")
    MODERATOR = "moderator", _("Moderator")
    STAFF = "staff", _("Staff")


# A facilitator is a peer supporter who runs groups; holding the narrower role
# implies the broader one.
IMPLIED_ROLES: dict[str, set[str]] = {
    Role.FACILITATOR: {Role.PEER_SUPPORTER},
}
