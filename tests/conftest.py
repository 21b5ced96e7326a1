"""Personas: the people in the system, so every endpoint can be tried as each."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.test import Client

from kindred.core.roles import Role
from tests.factories import UserFactory

# Playwright's sync API runs an event loop; Django's ORM calls inside live-server
# tests are still synchronous, so allow them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class CapturedEvents(list):
    """``(group, event)`` pairs in the order they left for the channel layer."""

    def __init__(self) -> None:
        super().__init__()
        self.wrong: list[str] = []

    def of_type(self, name: str) -> list[tuple[str, dict]]:
        return [(group, event) for group, event in self if event.get("type") == name]

    def types(self) -> list[str]:
        return [event.get("type") for _, event in self]


@pytest.fixture
def capture_events(monkeypatch):
    """Record every real-time event as it is sent (after commit), checked against its schema.

    An event of an undeclared type, or one that does not match its declared
    ``TypedDict`` (see ``kindred.core.events``), fails the test. Run the action inside
    ``django_capture_on_commit_callbacks(execute=True)`` (or a transactional test) so
    its on-commit sends happen.
    """
    from kindred.core.events import EventShapeError, validate_event

    captured = CapturedEvents()

    def record(group, event):
        try:
            validate_event(event)
        except EventShapeError as error:
            # Also failed at teardown, in case the caller swallowed the error.
            captured.wrong.append(str(error))
            raise
        captured.append((group, dict(event)))

    monkeypatch.setattr("kindred.core.events.send_event_now", record)
    yield captured
    assert not captured.wrong, captured.wrong


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache (rate limits, page cache, versions)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cache_down(settings):
    """The cache is a Redis that is not there (a closed port): every call raises
    redis's ConnectionError, as during an outage."""
    import socket

    with socket.socket() as sock:  # A port nothing listens on once closed.
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    from django.core.cache import cache

    with pytest.raises(Exception, match=r"(?i)connect"):
        cache.get("anything")


@pytest.fixture
def rate_limits(settings):
    """Small limits for one test: ``rate_limits({"community.reply": "2/m/user"})``."""

    def _set(rates):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, **rates}

    return _set


@pytest.fixture
def member(db):
    return UserFactory(handle="member_maya", email="maya@example.test", roles=[Role.MEMBER])


@pytest.fixture
def member2(db):
    return UserFactory(handle="member_sam", email="sam@example.test", roles=[Role.MEMBER])


@pytest.fixture
def peer_supporter(db):
    return UserFactory(handle="peer_priya", roles=[Role.MEMBER, Role.PEER_SUPPORTER])


@pytest.fixture
def facilitator(db):
    return UserFactory(handle="facil_frank", roles=[Role.MEMBER, Role.FACILITATOR])


@pytest.fixture
def therapist(db):
    return UserFactory(handle="dr_ellis", roles=[Role.THERAPIST], mfa=True)


@pytest.fixture
def therapist2(db):
    return UserFactory(handle="dr_chen", roles=[Role.THERAPIST], mfa=True)


@pytest.fixture
def moderator(db):
    return UserFactory(handle="mod_river", roles=[Role.MODERATOR], mfa=True)


@pytest.fixture
def staff(db):
    return UserFactory(
        handle="staff_kim", roles=[Role.STAFF], mfa=True, is_staff=True, is_superuser=True
    )


@pytest.fixture
def outsider(db):
    """Signed up, verified, but holds no role anywhere relevant."""
    return UserFactory(handle="outsider_olly", roles=[Role.MEMBER])


PERSONAS = (
    "member",
    "member2",
    "peer_supporter",
    "facilitator",
    "therapist",
    "therapist2",
    "moderator",
    "staff",
)


@pytest.fixture
def persona(request):
    """Indirect fixture: parametrize with a persona name (or 'anonymous')."""
    name = request.param
    if name == "anonymous":
        return None
    return request.getfixturevalue(name)


@pytest.fixture
def login(client):
    def _login(user):
        if user is not None:
            client.force_login(user)
        return client

    return _login


# --- Community --------------------------------------------------------------------


@pytest.fixture
def space(db):
    from kindred.community.models import Space

    return Space.objects.get(slug="depression-anxiety")


@pytest.fixture
def teen_space(db):
    from kindred.community.models import Space

    return Space.objects.get(slug="teen-support")


@pytest.fixture
def members_space(db):
    from kindred.community.models import Space, Visibility

    return Space.objects.create(
        slug="members-corner",
        name="Members' corner",
        description="Only for signed-in members.",
        guidelines="Be kind.",
        visibility=Visibility.MEMBERS,
    )


class Writer:
    """Post as someone through the real actions, accepting the guidelines first."""

    def __call__(self, user, space, title="Finding my feet", body="Some days are harder.", **kw):
        from kindred.community import actions

        actions.do_accept_guidelines(user, space)
        return actions.do_create_thread(user, space, title=title, body=body, **kw).post.thread

    def reply(self, user, thread_, body="You're not alone in this.", **kw):
        from kindred.community import actions

        actions.do_accept_guidelines(user, thread_.space)
        return actions.do_reply(user, thread_, body=body, **kw).post


@pytest.fixture
def write(db):
    return Writer()


# --- API ----------------------------------------------------------------------------


@pytest.fixture
def make_token():
    """A personal access token made through the real action."""
    from kindred.api.actions import do_create_token

    def _make(user: Any, *, scopes: tuple[str, ...] = ("read", "write"), **kwargs: Any):
        kwargs.setdefault("name", "script")
        return do_create_token(user, scopes=scopes, **kwargs)

    return _make


@pytest.fixture
def csrf_client() -> Client:
    """A client that enforces CSRF like a browser would face it."""
    return Client(enforce_csrf_checks=True)
