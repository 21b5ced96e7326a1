"""Accounts: email login, a public pseudonymous handle, several roles per account."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from kindred.accounts.signals import password_changed
from kindred.core.fields import EncryptedDateField
from kindred.core.roles import IMPLIED_ROLES, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        user = self._create_user(email, password, **extra)
        UserRole.objects.get_or_create(user=user, role=Role.STAFF)
        return user


class AgeBand(models.TextChoices):
    ADULT = "adult", _("18 or older")
    TEEN = "teen", _("13 to 17")


class User(AbstractUser):
    """One person. ``legal_name`` is for clinical work only and never shown in peer spaces;
    peer spaces show ``handle``."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    handle = models.CharField(
        max_length=30,
        unique=True,
        help_text=_("Your public name in peer spaces. Not your real name."),
    )
    legal_name = models.CharField(max_length=150, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text=_("ISO 3166 country code"))
    timezone = models.CharField(max_length=64, default="UTC")
    # Teen and adult peer spaces are kept apart. The band is derived from the date of
    # birth (kindred.accounts.age) and stored so it can be queried; the date itself is
    # encrypted and read nowhere else. Accounts older than the question have no date.
    age_band = models.CharField(max_length=5, choices=AgeBand.choices, default=AgeBand.ADULT)
    date_of_birth = EncryptedDateField(null=True, blank=True)
    email_digest = models.BooleanField(
        default=False,
        help_text=_("A daily email listing unread notifications (titles only)."),
    )
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["handle"]

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(Lower("handle"), name="accounts_user_handle_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.handle

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Django marks a set_password() until the next save; every way of changing a
        # password (pages, reset link, admin, changepassword) ends in this save.
        new_password = getattr(self, "_password", None) is not None and not self._state.adding
        super().save(*args, **kwargs)
        if new_password:
            password_changed.send(sender=type(self), user=self)

    def role_names(self) -> set[str]:
        """Roles held, implied ones included. Cached per instance (one query)."""
        cached = getattr(self, "_role_cache", None)
        if cached is None:
            held = set(self.roles.values_list("role", flat=True))
            for role in list(held):
                held |= IMPLIED_ROLES.get(role, set())
            cached = held
            self._role_cache = cached
        return set(cached)

    def has_role(self, role: str) -> bool:
        return role in self.role_names()

    def forget_roles(self) -> None:
        self.__dict__.pop("_role_cache", None)


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "role"], name="accounts_userrole_unique"),
        ]
        indexes: ClassVar = [models.Index(fields=["role", "user"])]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class LegalKind(models.TextChoices):
    TERMS = "terms", _("Terms of use")
    PRIVACY = "privacy", _("Privacy notice")


class LegalDocument(models.Model):
    """One published version of the terms of use or the privacy notice (Markdown).

    Versions are never edited once published: people accepted that exact text. The
    host publishes a new version (:func:`kindred.accounts.legal.do_publish_legal_document`);
    the newest of each kind is the one shown and accepted at sign-up.
    """

    kind = models.CharField(max_length=10, choices=LegalKind.choices)
    version = models.PositiveIntegerField()
    body = models.TextField(help_text=_("Markdown."))
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "version"], name="accounts_legal_version"),
        ]
        ordering: ClassVar = ["kind", "-version"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, version {self.version}"


class LegalAcceptance(models.Model):
    """That a person accepted a version of a legal document, and when."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="legal_acceptances")
    document = models.ForeignKey(LegalDocument, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "document"], name="accounts_legal_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.document_id}"
