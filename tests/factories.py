from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP

from kindred.accounts.models import User, UserRole
from kindred.accounts.roles import Role

TEST_PASSWORD = "correct-horse-battery-staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    handle = factory.Sequence(lambda n: f"handle_{n}")
    legal_name = factory.Faker("name")
    country = "GB"
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
