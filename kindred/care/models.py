"""Referrals between carers: a carer's suggestion to a member.

Consent grants live in :mod:`kindred.consent.models`.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.core.fields import EncryptedTextField
from kindred.core.links import is_local_path


class ReferralKind(models.TextChoices):
    GROUP = "group", _("A support group")
    SPACE = "space", _("A community space")
    PEER = "peer", _("A peer-support connection")
    THERAPY = "therapy", _("Considering therapy")


class ReferralStatus(models.TextChoices):
    OPEN = "open", _("Waiting for you")
    ACCEPTED = "accepted", _("Accepted")
    DISMISSED = "dismissed", _("Dismissed")


class Referral(models.Model):
    """A carer's recommendation to a member. The target is generic (kind, url, title)
    so it can point at pages of apps this one does not import."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_referrals"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_referrals_made"
    )
    kind = models.CharField(max_length=10, choices=ReferralKind.choices)
    # Encrypted like the note: which group or service a carer suggests, and the title
    # they write for it ("Eating-disorder group"), say as much about the member as the
    # note does. Lengths (300, 200) are checked in kindred.care.actions.
    url = EncryptedTextField()
    title = EncryptedTextField()
    # Why the carer suggests it: private between the two of them.
    note = EncryptedTextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(
                fields=["member", "status", "created_at"], name="care_referral_member_idx"
            ),
            models.Index(fields=["author", "created_at"], name="care_referral_author_idx"),
        ]

    def __str__(self) -> str:
        return f"referral {self.pk} ({self.kind}) for {self.member_id}"

    @property
    def link(self) -> str:
        """The url when it is a page on this site, else "". Links are checked when
        written; this also covers rows written before the check read links as browsers do.
        """
        return self.url if is_local_path(self.url) else ""
