"""One-to-one peer support: lived-experience profiles, connections between two people.

The story a person writes is encrypted at rest, and so are the themes detected in
it; its embedding is kept as raw float32 bytes so that every process can rebuild
its in-memory index from the database (:mod:`kindred.peers.indexing`).
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from kindred.core.fields import EncryptedJSONField, EncryptedTextField

MAX_STORY = 4000
MAX_NOTE = 500
DEFAULT_CASELOAD = 3
MAX_CASELOAD = 20


class Seeks(models.TextChoices):
    SUPPORT = "support", _("I am looking for support")
    GIVE_SUPPORT = "give_support", _("I want to support someone")
    BOTH = "both", _("Both: to share and to listen")


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")
    OTHER = "other", _("In another way")


class AgeRange(models.TextChoices):
    """Finer than the account's adult/teen band, which always has to match anyway."""

    R18_29 = "18_29", _("18 to 29")
    R30_44 = "30_44", _("30 to 44")
    R45_64 = "45_64", _("45 to 64")
    R65 = "65_plus", _("65 or older")


class PeerProfile(models.Model):
    """What a person chose to share to be matched with a peer. Deleting it is for good."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="peer_profile",
    )
    story = EncryptedTextField(blank=True, default="")
    # Themes detected in the story (lost_parent, early_recovery …): as private as the story.
    story_themes = EncryptedJSONField(default=list)
    # float32 little-endian, L2-normalised; None until the story has been embedded.
    story_vector = models.BinaryField(null=True, blank=True, editable=False)
    languages = models.JSONField(default=list)
    timezone = models.CharField(max_length=64, default="UTC")
    availability = models.JSONField(default=list)
    seeks = models.CharField(max_length=12, choices=Seeks.choices, default=Seeks.SUPPORT)
    gender = models.CharField(max_length=12, choices=Gender.choices, blank=True, default="")
    age_range = models.CharField(max_length=8, choices=AgeRange.choices, blank=True, default="")
    wants_genders = models.JSONField(default=list)  # empty = anyone
    wants_age_ranges = models.JSONField(default=list)  # empty = any age
    caseload_limit = models.PositiveSmallIntegerField(
        default=DEFAULT_CASELOAD,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CASELOAD)],
    )
    # The person can pause being suggested without deleting what they wrote.
    is_listed = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=now, editable=False)
    # The index sync reads "changed since": keep it indexed.
    updated_at = models.DateTimeField(default=now, db_index=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(caseload_limit__gte=1) & Q(caseload_limit__lte=MAX_CASELOAD),
                name="peers_profile_caseload_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Peer profile {self.pk}"

    @property
    def tag_ids(self) -> list[str]:
        return sorted(t.tag for t in self.tags.all())


class ProfileTag(models.Model):
    """One experience tag on a profile: a row each, so candidates can be found by tag."""

    profile = models.ForeignKey(PeerProfile, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(max_length=60)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["profile", "tag"], name="peers_tag_once"),
        ]
        # Candidates sharing a tag; supporters per topic for the guide.
        indexes: ClassVar = [models.Index(fields=["tag", "profile"])]

    def __str__(self) -> str:
        return self.tag


class Training(models.Model):
    """A peer supporter's training or certificate. Expired ones stay, shown as expired."""

    profile = models.ForeignKey(PeerProfile, on_delete=models.CASCADE, related_name="trainings")
    name = models.CharField(max_length=150)
    provider = models.CharField(max_length=150, blank=True)
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-completed_on", "pk"]

    def __str__(self) -> str:
        return self.name

    def is_expired(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.expires_on is not None and self.expires_on < today


class ProfileRemoval(models.Model):
    """A deleted profile, so every process drops its vector at the next index sync.

    Holds no story and no vector; rows older than a day are pruned.
    """

    user_id = models.BigIntegerField()
    removed_at = models.DateTimeField(default=now, db_index=True)

    def __str__(self) -> str:
        return f"Removed {self.user_id}"


class HiddenSuggestion(models.Model):
    """``user`` asked not to be suggested ``hidden`` again (the other person is not told)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hidden_peers"
    )
    hidden = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "hidden"], name="peers_hide_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} hid {self.hidden_id}"


class ConnectionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACTIVE = "active", _("Connected")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ENDED = "ended", _("Ended")


LIVE_STATUSES = (ConnectionStatus.PENDING, ConnectionStatus.ACTIVE)


class Connection(models.Model):
    """A request from one person to another and, once accepted, their 1:1 connection.

    ``pair_low``/``pair_high`` are the two user ids in order, so the database allows
    one live (pending or active) connection per pair whichever side asked first.
    """

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_requests_sent"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="peer_requests_received"
    )
    # The side giving support, whose caseload this connection counts against (None
    # when two people support each other as equals).
    supporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="peer_caseload",
    )
    pair_low = models.BigIntegerField(editable=False)
    pair_high = models.BigIntegerField(editable=False)
    note = EncryptedTextField(blank=True, default="")
    status = models.CharField(
        max_length=10, choices=ConnectionStatus.choices, default=ConnectionStatus.PENDING
    )
    created_at = models.DateTimeField(default=now, editable=False)
    responded_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["pair_low", "pair_high"],
                condition=Q(status__in=["pending", "active"]),
                name="peers_one_live_connection_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(pair_low__lt=models.F("pair_high")), name="peers_connection_two_people"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["requester", "status", "created_at"]),
            models.Index(fields=["recipient", "status", "created_at"]),
            # Caseload counts.
            models.Index(fields=["supporter", "status"]),
        ]

    def __str__(self) -> str:
        return f"Connection {self.pk}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.pair_low, self.pair_high = sorted((self.requester_id, self.recipient_id))
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def other(self, user_id: int) -> int:
        return self.recipient_id if user_id == self.requester_id else self.requester_id

    def involves(self, user_id: int) -> bool:
        return user_id in (self.requester_id, self.recipient_id)


class Rating(models.Model):
    """How one side found the connection (1–5), with an optional private comment."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="ratings")
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    stars = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["connection", "rater"], name="peers_rate_once"),
            models.CheckConstraint(
                condition=Q(stars__gte=1) & Q(stars__lte=5), name="peers_rating_stars"
            ),
        ]

    def __str__(self) -> str:
        return f"Rating {self.pk}"
