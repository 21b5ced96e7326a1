"""Community spaces: themed forums where members support each other under a handle."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Anyone can read; members post")
    MEMBERS = "members", _("Only signed-in members can read")


class AgeBandRule(models.TextChoices):
    ADULT = "adult", _("Adults only")
    TEEN = "teen", _("Teens only (13–17)")


class RiskPolicy(models.TextChoices):
    DEFAULT = "", _("Installation default")
    SHOW = "show", _("Show with a support banner")
    HOLD = "hold", _("Hold for review")


class Space(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=80)
    description = models.CharField(max_length=300)
    guidelines = models.TextField(
        help_text=_("Markdown. Members accept them before their first post.")
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    age_band = models.CharField(
        max_length=5, choices=AgeBandRule.choices, default=AgeBandRule.ADULT
    )
    high_risk_policy = models.CharField(
        max_length=5, choices=RiskPolicy.choices, blank=True, default=""
    )
    moderators = models.ManyToManyField(
        "accounts.User", blank=True, related_name="moderated_spaces"
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    is_archived = models.BooleanField(default=False)

    class Meta:
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name


class GuidelineAcceptance(models.Model):
    space = models.ForeignKey(Space, on_delete=models.CASCADE)
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE)
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["space", "user"], name="community_guidelines_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} accepted {self.space_id}"


class Thread(models.Model):
    space = models.ForeignKey(Space, on_delete=models.PROTECT, related_name="threads")
    author = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    # Keyset for the space index: (last_activity_at, id) descending.
    last_activity_at = models.DateTimeField(db_index=False)
    last_post_id = models.BigIntegerField(default=0)
    reply_count = models.PositiveIntegerField(default=0)
    is_locked = models.BooleanField(default=False)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=200, blank=True)
    is_deleted = models.BooleanField(default=False)
    # Held by the safety policy until a moderator reviews the opening post.
    is_held = models.BooleanField(default=False)

    class Meta:
        indexes: ClassVar = [
            models.Index(
                fields=["space", "-last_activity_at", "-id"],
                name="community_thread_index",
                condition=Q(is_hidden=False, is_deleted=False, is_held=False),
            ),
            models.Index(fields=["author", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_visible(self) -> bool:
        return not (self.is_hidden or self.is_deleted or self.is_held)


class Post(models.Model):
    """The opening post (``is_opening``) and every reply of a thread."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="community_posts"
    )
    is_opening = models.BooleanField(default=False)
    body = models.TextField()
    body_html = models.TextField()
    content_warning = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    is_deleted = models.BooleanField(default=False)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = models.CharField(max_length=200, blank=True)
    is_held = models.BooleanField(default=False)
    risk_level = models.CharField(max_length=10, default="none")

    class Meta:
        indexes: ClassVar = [
            # Keyset for the thread page: posts in id order.
            models.Index(fields=["thread", "id"], name="community_post_thread"),
            models.Index(fields=["author", "-created_at"], name="community_post_author"),
        ]

    def __str__(self) -> str:
        return f"post #{self.pk}"


class PostRevision(models.Model):
    """Earlier versions of an edited post, for moderators."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    content_warning = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes: ClassVar = [models.Index(fields=["post", "-created_at"])]

    def __str__(self) -> str:
        return f"revision of {self.post_id}"


class ReactionKind(models.TextChoices):
    ME_TOO = "me_too", _("Me too")
    STRENGTH = "strength", _("Sending strength")
    THANK_YOU = "thank_you", _("Thank you")
    NOT_ALONE = "not_alone", _("You're not alone")


class Reaction(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE)
    kind = models.CharField(max_length=12, choices=ReactionKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="community_reaction_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.post_id}"


class ThreadRead(models.Model):
    """How far a member has read a thread (unread markers)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE)
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE)
    last_read_post_id = models.BigIntegerField(default=0)
    muted = models.BooleanField(default=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "thread"], name="community_read_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} to {self.last_read_post_id}"


class SpaceVisit(models.Model):
    """When a member last opened a space ("new since your last visit")."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE)
    space = models.ForeignKey(Space, on_delete=models.CASCADE)
    previous_visit_at = models.DateTimeField(null=True, blank=True)
    last_visit_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "space"], name="community_visit_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} visited {self.space_id}"


class Suspension(models.Model):
    """A member may not post (in one space, or anywhere) until ``until``; they see the reason."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="suspensions")
    space = models.ForeignKey(Space, on_delete=models.CASCADE, null=True, blank=True)
    reason = models.CharField(max_length=300)
    until = models.DateTimeField()
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["user", "until"])]

    def __str__(self) -> str:
        return f"{self.user_id} suspended until {self.until:%Y-%m-%d}"
