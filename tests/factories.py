from __future__ import annotations

from datetime import date
from typing import Any

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from kindred.accounts.models import AgeBand, User, UserRole
from kindred.core.roles import Role

TEST_PASSWORD = "correct-horse-battery-staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"
ADULT_BIRTHDAY = date(1990, 6, 15)


def years_ago(years: int, today: date | None = None) -> date:
    """The date ``years`` before ``today`` (UTC): someone born then turns ``years`` today.
    29 February falls back to 28 February in a year without one."""
    today = today or timezone.now().date()
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def birthday_for(band: str) -> date:
    """A date of birth that gives ``band``, as sign-up would have stored it."""
    return years_ago(15) if band == AgeBand.TEEN else ADULT_BIRTHDAY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    handle = factory.Sequence(lambda n: f"handle_{n}")
    legal_name = factory.Faker("name")
    country = "GB"
    age_band = AgeBand.ADULT
    date_of_birth = factory.LazyAttribute(lambda o: birthday_for(o.age_band))
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        self.save()
        for role in extracted or [Role.MEMBER]:
            UserRole.objects.get_or_create(user=self, role=role)
        EmailAddress.objects.get_or_create(
            user=self, email=self.email, defaults={"verified": True, "primary": True}
        )

    @factory.post_generation
    def mfa(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            TOTP.activate(self, TOTP_SECRET)
