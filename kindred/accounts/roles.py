"""The roles a Kindred account can hold (several at once)."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    MEMBER = "member", "Member"
    PEER_SUPPORTER = "peer_supporter", "Peer supporter"
    FACILITATOR = "facilitator", "Facilitator"
    THERAPIST = "therapist", "Therapist"
    MODERATOR = "moderator", "Moderator"
    STAFF = "staff", "Staff"


# A facilitator is a peer supporter who runs groups; holding the narrower role
# implies the broader one.
IMPLIED_ROLES: dict[str, set[str]] = {
    Role.FACILITATOR: {Role.PEER_SUPPORTER},
}
