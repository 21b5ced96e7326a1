"""Demo personas for trying Kindred locally. Refused outside DEBUG (demo mode).

Accounts owns only its own demo data: the personas, their roles and, for role holders, a
published second factor. It also defines :class:`DemoContext`, what every app's demo
loader (``kindred/<app>/demo.py``, ``def load(ctx: DemoContext) -> None``) receives; the
``kindred demo`` command (``kindred.demo``) runs the loaders in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from kindred.accounts.actions import do_grant_role
from kindred.accounts.age import band_for, today_for
from kindred.accounts.models import User
from kindred.core.roles import Role

DEMO_PASSWORD = "kindred-demo-2026"


@dataclass(frozen=True)
class Persona:
    key: str
    email: str
    handle: str
    legal_name: str
    roles: tuple[str, ...]
    # Every persona is an adult; the band is derived from this date like anyone's.
    born: date = date(1990, 6, 15)
    country: str = "GB"
    timezone: str = "Europe/London"
    # Fixed, public TOTP secret so a tester can sign in with any authenticator app.
    totp_secret: str | None = None
    is_admin: bool = False
    extra: dict[str, str] = field(default_factory=dict)


PERSONAS: tuple[Persona, ...] = (
    Persona("member", "maya@demo.kindred.test", "quiet_harbour", "Maya Lindqvist", (Role.MEMBER,)),
    Persona(
        "member2",
        "sam@demo.kindred.test",
        "north_star_22",
        "Sam Okafor",
        (Role.MEMBER,),
        born=date(2004, 11, 2),
        country="US",
        timezone="America/New_York",
    ),
    Persona(
        "peer",
        "priya@demo.kindred.test",
        "steady_steps",
        "Priya Raman",
        (Role.MEMBER, Role.PEER_SUPPORTER),
        born=date(1986, 2, 27),
    ),
    Persona(
        "facilitator",
        "frank@demo.kindred.test",
        "lighthouse_frank",
        "Frank Moreau",
        (Role.MEMBER, Role.FACILITATOR),
        born=date(1972, 9, 8),
        country="IE",
        timezone="Europe/Dublin",
    ),
    Persona(
        "therapist",
        "dr.ellis@demo.kindred.test",
        "dr_ellis",
        "Dr Jordan Ellis",
        (Role.THERAPIST,),
        totp_secret="THERAPISTDEMOAAA",
    ),
    Persona(
        "therapist2",
        "dr.chen@demo.kindred.test",
        "dr_chen",
        "Dr Wei Chen",
        (Role.THERAPIST,),
        country="AU",
        timezone="Australia/Sydney",
        totp_secret="THERAPISTTWOAAAA",
    ),
    Persona(
        "moderator",
        "mod@demo.kindred.test",
        "mod_river",
        "Alex Byrne",
        (Role.MODERATOR,),
        totp_secret="MODERATORDEMOAAA",
    ),
    Persona(
        "staff",
        "staff@demo.kindred.test",
        "staff_admin",
        "Kim Staff",
        (Role.STAFF,),
        totp_secret="STAFFDEMOAAAAAAA",
        is_admin=True,
    ),
)


def ensure_demo_allowed() -> None:
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("Demo data is only available with DEBUG on (demo mode).")


def create_persona(p: Persona) -> tuple[User, bool]:
    with transaction.atomic():
        user = User.objects.filter(email=p.email).first()
        created = user is None
        if user is None:
            user = User.objects.create_user(
                email=p.email,
                password=DEMO_PASSWORD,
                handle=p.handle,
                legal_name=p.legal_name,
                country=p.country,
                timezone=p.timezone,
                date_of_birth=p.born,
                age_band=band_for(p.born, today_for(None)),
                is_staff=p.is_admin,
                is_superuser=p.is_admin,
            )
        elif user.date_of_birth is None:
            # Personas made before dates of birth were asked for.
            user.date_of_birth = p.born
            user.save(update_fields=["date_of_birth"])
        EmailAddress.objects.update_or_create(
            user=user, email=p.email, defaults={"verified": True, "primary": True}
        )
        for role in p.roles:
            do_grant_role(None, user, role)
        if (
            p.totp_secret
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, p.totp_secret)
            RecoveryCodes.activate(user)
    return user, created


@dataclass
class DemoContext:
    """Shared by the apps' demo loaders: the personas by key, and where to report."""

    say: Callable[[str], None]
    # Filled by the accounts loader, which runs first.
    users: dict[str, User] = field(default_factory=dict)


def load(ctx: DemoContext) -> None:
    ensure_demo_allowed()
    for persona in PERSONAS:
        user, created = create_persona(persona)
        ctx.users[persona.key] = user
        state = "created" if created else "exists"
        mfa = f"  TOTP secret {persona.totp_secret}" if persona.totp_secret else ""
        ctx.say(f"{state:7} {persona.key:12} {user.email:28}{mfa}")
