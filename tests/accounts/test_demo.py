from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import CommandError, call_command

from kindred.accounts.age import current_age_band
from kindred.accounts.demo import DEMO_PASSWORD, PERSONAS
from kindred.accounts.models import User
from kindred.therapy.demo import THERAPISTS
from tests.totp import totp_code

pytestmark = pytest.mark.django_db


def test_it_creates_every_persona_once(settings):
    settings.DEMO_MODE = True
    call_command("demo", stdout=StringIO())
    out = StringIO()
    call_command("demo", stdout=out)
    # The personas, and the extra listed therapists the directory's demo adds.
    extra = [t.persona for t in THERAPISTS if t.persona is not None]
    assert User.objects.count() == len(PERSONAS) + len(extra)
    assert out.getvalue().count("exists") == len(PERSONAS) + len(extra)
    for persona in PERSONAS:
        user = User.objects.get(email=persona.email)
        assert user.check_password(DEMO_PASSWORD)
        assert set(persona.roles) <= user.role_names()
        assert user.emailaddress_set.get().verified
        assert user.date_of_birth == persona.born
        assert user.age_band == current_age_band(user) == "adult"


def test_mfa_roles_get_the_published_totp_secret(settings):
    settings.DEMO_MODE = True
    call_command("demo", stdout=StringIO())
    for persona in PERSONAS:
        user = User.objects.get(email=persona.email)
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if persona.totp_secret is None:
            assert totp is None
            continue
        assert TOTP(totp).validate_code(totp_code(persona.totp_secret, fresh_seconds=1))
        # Stored encrypted, not as the published secret.
        assert persona.totp_secret not in str(totp.data)


def test_it_is_refused_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="only available with DEBUG on"):
        call_command("demo", stdout=StringIO())
    assert User.objects.count() == 0


def test_it_seeds_demo_conversations_once(settings):
    from kindred.community.models import Post, Thread

    settings.DEMO_MODE = True
    call_command("demo", stdout=StringIO())
    threads, posts = Thread.objects.count(), Post.objects.count()
    call_command("demo", stdout=StringIO())
    assert threads == 3 and posts > threads
    assert (Thread.objects.count(), Post.objects.count()) == (threads, posts)
