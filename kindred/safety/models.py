"""Crisis resources per country: the table behind "Get help now"."""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext, gettext_lazy

from kindred.core.fields import EncryptedJSONField, EncryptedTextField
from kindred.safety.dial import Dial, sms_uri, split_numbers, tel_uri


class CrisisCountry(models.Model):
    code = models.CharField(
        max_length=2, primary_key=True, help_text=gettext_lazy("ISO 3166-1 alpha-2; XX = anywhere")
    )
    name = models.CharField(max_length=80)
    emergency_number = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ("name",)
        verbose_name_plural = gettext_lazy("crisis countries")

    def __str__(self) -> str:
        return self.name

    @property
    def emergency_numbers(self) -> list[Dial]:
        """Each emergency number with its ``tel:`` link ("112 or 999" is two)."""
        return split_numbers(self.emergency_number)


class CrisisLine(models.Model):
    country = models.ForeignKey(CrisisCountry, on_delete=models.CASCADE, related_name="lines")
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    text = models.CharField(
        max_length=80,
        blank=True,
        help_text=gettext_lazy(
            "How to text the line, as shown, e.g. 'Text SHOUT to 85258'. With an SMS number "
            "below it becomes a link that opens the phone's messages; left empty, it is "
            "written from the number and keyword."
        ),
    )
    sms_number = models.CharField(
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(r"^\+?[0-9][0-9 ]*$", gettext_lazy("Digits only, e.g. 741741."))
        ],
        help_text=gettext_lazy("The number to text, e.g. 741741. Empty: the line takes no texts."),
    )
    sms_keyword = models.CharField(
        max_length=40,
        blank=True,
        validators=[
            RegexValidator(
                r"^[A-Za-z0-9][A-Za-z0-9 -]*$", gettext_lazy("Letters and digits, e.g. HOME.")
            )
        ],
        help_text=gettext_lazy("The word to send first, e.g. HOME; filled into the message."),
    )
    chat_url = models.URLField(blank=True)
    website = models.URLField(blank=True)
    hours = models.CharField(max_length=80, blank=True, default="24/7")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "name")
        indexes: ClassVar = [models.Index(fields=["country", "position"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.sms_keyword and not self.sms_number:
            raise ValidationError(
                {"sms_number": gettext("A keyword needs the number it is sent to.")}
            )

    @property
    def phone_uri(self) -> str:
        return tel_uri(self.phone)

    @property
    def sms_uri(self) -> str:
        """``sms:741741?&body=HOME``, or "" for a line that takes no texts."""
        return sms_uri(self.sms_number, self.sms_keyword)

    @property
    def text_label(self) -> str:
        """What the text link says: the staff's wording, else one made from the number."""
        if self.text or not self.sms_number:
            return self.text
        if self.sms_keyword:
            return gettext("Text %(keyword)s to %(number)s") % {
                "keyword": self.sms_keyword,
                "number": self.sms_number,
            }
        return gettext("Text %(number)s") % {"number": self.sms_number}


class FlagKind(models.TextChoices):
    RISK = "risk", gettext_lazy("Risk screen")
    CRITICAL_ANSWER = "critical_answer", gettext_lazy("Critical questionnaire answer")
    REPORT = "report", gettext_lazy("Report by a member")


# Flags on private clinical text: a member's secure message to their therapist
# ("therapy") and a critical questionnaire answer ("measures"). Their text goes to the
# treating therapist(s) the flag was routed to and nobody else; moderators and staff see
# only that the member needs attention (kindred/safety/access.py, clinical.py).
THERAPY_SCOPE = "therapy"
MEASURES_SCOPE = "measures"
CLINICAL_SCOPES = frozenset({THERAPY_SCOPE, MEASURES_SCOPE})


class FlagStatus(models.TextChoices):
    OPEN = "open", gettext_lazy("Open")
    ACKNOWLEDGED = "acknowledged", gettext_lazy("Acknowledged")
    HANDED_OVER = "handed_over", gettext_lazy("Handed over to therapist")
    RESOLVED = "resolved", gettext_lazy("Resolved")


class FlagOutcome(models.TextChoices):
    SUPPORTED = "supported", gettext_lazy("Reached out; person supported")
    REFERRED = "referred", gettext_lazy("Referred to crisis line or emergency services")
    THERAPIST = "therapist", gettext_lazy("Therapist took over")
    NO_RISK = "no_risk", gettext_lazy("No risk on review (false alarm)")
    CONTENT_REMOVED = "content_removed", gettext_lazy("Content hidden or removed")
    NO_ACTION = "no_action", gettext_lazy("No action needed")


class Flag(models.Model):
    """One item in the moderators' queue: a risk-screen hit, a critical answer, or a report.

    ``text`` is what the person wrote (encrypted: it is often the most sensitive thing
    they ever wrote here). ``signals`` are rule and model names, shown to moderators only.
    A clinical flag's text, signals and score are shown to its ``clinicians`` only
    (kindred/safety/access.py).
    """

    kind = models.CharField(max_length=20, choices=FlagKind.choices, default=FlagKind.RISK)
    subject = models.ForeignKey(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="safety_flags",
        null=True,
        blank=True,
    )
    reporter = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    source_type = models.CharField(
        max_length=40, blank=True, help_text=gettext_lazy("e.g. community.post, groups.message")
    )
    source_id = models.CharField(max_length=64, blank=True)
    context = models.CharField(
        max_length=120,
        blank=True,
        help_text=gettext_lazy("Where it was written, for the moderator"),
    )
    # Which queue it belongs to, e.g. "community:grief-loss", so moderators can filter.
    scope = models.CharField(max_length=80, blank=True, db_index=True)
    text = EncryptedTextField(blank=True)
    level = models.CharField(max_length=10, default="none")
    score = models.FloatField(default=0.0)
    signals = models.JSONField(default=list, blank=True)
    reason = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=20, choices=FlagStatus.choices, default=FlagStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    escalated_at = models.DateTimeField(null=True, blank=True)
    handed_to = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, related_name="+", null=True, blank=True
    )
    outcome = models.CharField(max_length=20, choices=FlagOutcome.choices, blank=True)
    outcome_note = EncryptedTextField(blank=True)
    # When the therapist it was handed to said they have it (the moderators see it).
    handover_acknowledged_at = models.DateTimeField(null=True, blank=True)
    # When the retention sweep blanked its text and people (docs/retention.md).
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # What a member's report is about ("community.post:12", "user:34"), so a second report
    # of the same thing joins the open flag instead of raising another (see do_report).
    report_key = models.CharField(max_length=120, blank=True, default="")
    # For a clinical flag: the treating therapist(s) it was routed to when raised, the
    # only people who read its text.
    clinicians = models.ManyToManyField("accounts.User", related_name="+", blank=True)

    # True on an instance kindred.safety.access handed out with the clinical text
    # withheld; such an instance must never be written back over the real row.
    content_hidden = False

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["subject", "created_at"]),
            models.Index(fields=["status", "escalated_at", "level", "created_at"]),
        ]
        constraints: ClassVar = [
            # One open report flag per reported thing: the database, not a check before
            # the insert, decides which of two simultaneous reports raises the flag.
            models.UniqueConstraint(
                fields=["report_key"],
                condition=models.Q(kind="report", status__in=["open", "acknowledged"])
                & ~models.Q(report_key=""),
                name="safety_one_open_report_flag_per_target",
            ),
        ]

    def __str__(self) -> str:
        return f"flag #{self.pk} {self.kind} {self.level}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.content_hidden:
            raise ValueError("This flag was read with its text withheld; reload it to save.")
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in (FlagStatus.OPEN, FlagStatus.ACKNOWLEDGED)

    @property
    def is_clinical(self) -> bool:
        return self.scope in CLINICAL_SCOPES


class FlagReport(models.Model):
    """One member's report, joined to the flag it raised or to the open flag that was
    already there for the same thing. Counted for the hourly limit on reports."""

    flag = models.ForeignKey(Flag, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=40)
    # What the reporter wrote: it can name people and what happened to them.
    details = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["flag", "reporter"], name="safety_report_once_per_flag")
        ]
        indexes: ClassVar = [models.Index(fields=["reporter", "created_at"])]

    def __str__(self) -> str:
        return f"report by {self.reporter_id} on flag {self.flag_id}"


class SupportSide(models.TextChoices):
    TEAM = "team", gettext_lazy("The support team")
    FACILITATOR = "facilitator", gettext_lazy("A group's facilitator")


class SupportConversation(models.Model):
    """A private thread between one member and the people who reached out to them after a
    flag: the safety team (moderators, as a team) or a group's facilitator.

    The member replies in the same thread; who reads and writes on the other side is
    decided in :mod:`kindred.safety.access`.
    """

    member = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="support_conversations"
    )
    flag = models.ForeignKey(
        Flag, on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    side = models.CharField(max_length=12, choices=SupportSide.choices, default=SupportSide.TEAM)
    # Team: the moderator who wrote first; facilitator: the facilitator. Told of replies.
    staff = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Where it started, for the member ("Group: Tuesday evening circle").
    context = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["flag"],
                condition=models.Q(side="team"),
                name="safety_one_team_conversation_per_flag",
            ),
            models.UniqueConstraint(
                fields=["flag", "staff"],
                condition=models.Q(side="facilitator"),
                name="safety_one_facilitator_conversation_per_flag",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["member", "-last_message_at"]),
            models.Index(fields=["side", "-last_message_at"]),
        ]

    def __str__(self) -> str:
        return f"support conversation #{self.pk}"


class SupportMessage(models.Model):
    """One message of a support conversation (never shown to anyone outside it)."""

    conversation = models.ForeignKey(
        SupportConversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_member = models.BooleanField(default=False)
    body = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)
    # Read by the other side: the member, or (for the member's replies) anyone on the team.
    read_at = models.DateTimeField(null=True, blank=True)
    # The screen's level of a member's reply ("none" for the other side's messages).
    risk_level = models.CharField(max_length=10, default="none")

    class Meta:
        indexes: ClassVar = [models.Index(fields=["conversation", "created_at"])]

    def __str__(self) -> str:
        return f"support message #{self.pk}"


class Block(models.Model):
    """``blocker`` no longer sees ``blocked`` and vice versa (enforced by every app's queries)."""

    blocker = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="blocks_received"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="safety_block_unique"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="safety_block_not_self"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["blocked", "blocker"])]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


SAFETY_PLAN_SECTIONS: tuple[tuple[str, str, str], ...] = (
    (
        "warning_signs",
        "Signs that things are getting harder for me",
        "Thoughts, feelings, situations or behaviour that tell you a difficult time may be starting.",
    ),
    (
        "coping_alone",
        "What I can do by myself to get through",
        "Small things that have helped before: a walk, music, a shower, breathing, writing.",
    ),
    (
        "distractions",
        "People and places that take my mind off things",
        "Where you can go and who you can be around without having to talk about how you feel.",
    ),
    (
        "people_to_ask",
        "People I can ask for help",
        "Friends or family you could tell that you are struggling, with how to reach them.",
    ),
    (
        "professionals",
        "Professionals and crisis lines I can contact",
        "Your therapist or doctor, a crisis line, the emergency number where you are.",
    ),
    (
        "safer_surroundings",
        "Making my surroundings safer",
        "Steps to put distance between you and anything you might use to hurt yourself.",
    ),
)


class SafetyPlan(models.Model):
    """A member's own plan for getting through a crisis. Encrypted; shared only by consent."""

    owner = models.OneToOneField(
        "accounts.User", on_delete=models.CASCADE, related_name="safety_plan"
    )
    sections = EncryptedJSONField(default=dict)
    reasons_for_living = EncryptedTextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"safety plan of {self.owner_id}"

    def items(self, key: str) -> list[str]:
        value = (self.sections or {}).get(key, [])
        return [str(v) for v in value] if isinstance(value, list) else []


class ModeratorDuty(models.Model):
    """Whether a moderator is on duty now: on-duty moderators are alerted first."""

    moderator = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="duty")
    on_duty = models.BooleanField(default=False)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["on_duty"])]

    def __str__(self) -> str:
        return f"{self.moderator_id} on duty={self.on_duty}"
