"""Every operation of the JSON API against its own OpenAPI document (schemathesis).

A stateless run: for each operation schemathesis sends generated requests, valid and
invalid (``MAX_EXAMPLES`` each, plus its coverage cases), as the demo member (who has
threads, measures, a booking, a plan, a peer connection, groups, shares and saved
guides) with a read-and-write token. It fails on any 5xx, any status code the document
does not list for that operation, any response content type or header that differs
from it, and any body that does not match the documented schema. The group endpoints
run again as the demo facilitator, whose tools act on a session with an open room.
Path parameters and ids in bodies are sometimes swapped for ones that exist, so the
happy paths are reached as well as the 404s.

Only on PostgreSQL (the second leg of ``make test``): its types are stricter, so it
finds more, and one leg keeps the suite's time down.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="runs on the PostgreSQL leg of make test only",
    ),
]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
MAX_EXAMPLES = 15
# The seeded data is meant to be shared by every example (each is rolled back), and how
# long generation takes on a busy machine says nothing about the API.
HEALTH_CHECKS_OFF = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]

APP = WSGIHandler()
# Loaded at collection, as a client would fetch it: the served document.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    APP,
    config=schemathesis.Config.from_dict(
        {"generation": {"max-examples": MAX_EXAMPLES, "mode": "all"}}
    ),
)

# Names of path parameters and body fields → values that exist in the seeded data;
# filled by the ``world`` fixture before any case is generated.
EXISTING: dict[str, list[Any]] = {}


def _sometimes_existing(values: Any) -> st.SearchStrategy[Any]:
    """The generated values, each known name now and then swapped for a real one."""
    if not isinstance(values, dict):
        return st.just(values)
    choices = {
        name: st.sampled_from([value, *EXISTING[name]]) if EXISTING.get(name) else st.just(value)
        for name, value in values.items()
    }
    return st.fixed_dictionaries(choices)


@schema.hook("flatmap_path_parameters")
def _existing_path_ids(context: Any, path_parameters: dict[str, Any]) -> Any:
    return _sometimes_existing(path_parameters)


@schema.hook("flatmap_body")
def _existing_body_ids(context: Any, body: Any) -> Any:
    return _sometimes_existing(body)


def _seed() -> dict[str, list[Any]]:
    """The demo data, plus what the demo leaves out: a listed therapist who treats the
    demo member (a booking), a treatment plan, questionnaire results, and the care
    shares and suggestion that follow from them."""
    from kindred.accounts.models import User
    from kindred.bookings.models import Booking, BookingStatus
    from kindred.care.demo import create_demo_care
    from kindred.care.models import Referral
    from kindred.community.models import Post, Space, Thread
    from kindred.consent.models import ConsentGrant
    from kindred.groups import actions
    from kindred.groups.models import GroupSession, SignUp
    from kindred.guide.models import SavedGuide
    from kindred.measures.actions import do_submit_response
    from kindred.peers.models import Connection, Training
    from kindred.plans import actions as plan_actions
    from kindred.plans.content import parse_plan_text
    from kindred.rooms.models import Room
    from kindred.therapy import actions as therapy_actions
    from tests.therapy.conftest import profile_data

    call_command("demo", stdout=StringIO())
    users = {u.handle: u for u in User.objects.all()}
    member, therapist, staff = users["quiet_harbour"], users["dr_ellis"], users["staff_admin"]

    # The demo lists its therapists already; list this one if a later demo stops doing so.
    from kindred.therapy.models import ProfileStatus, TherapistProfile

    listed = TherapistProfile.objects.filter(user=therapist, status=ProfileStatus.VERIFIED)
    if not listed.exists():
        profile = therapy_actions.do_save_profile(therapist, profile_data()).profile
        therapy_actions.do_submit_for_verification(therapist)
        therapy_actions.do_verify(staff, profile, evidence_notes="Checked on the register.")
    profile = TherapistProfile.objects.get(user=therapist)
    start = timezone.now() + timedelta(days=3)
    booking = Booking.objects.create(
        member=member,
        therapist=therapist,
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
        status=BookingStatus.BOOKED,
    )
    plan = plan_actions.do_create_plan(
        therapist,
        member,
        content=parse_plan_text(
            "Problem: Low mood\nGoal: Enjoy everyday things again\n"
            "Objective: Depression score in the mild range | measure phq9 < 10 | by 2030-09-01\n"
            "Intervention: Behavioural activation | weekly\n"
        ),
        summary="Getting out more.",
        review_date=date(2030, 10, 1),
    )
    for answer in (2, 1):
        do_submit_response(member, "phq9", {f"q{i}": answer for i in range(1, 10)})
    create_demo_care({"member": member, "therapist": therapist, "peer": users["steady_steps"]})

    # One of the member's group sessions is starting now: its room is open, the member
    # has checked in and raised a hand, so the facilitator's tools have someone to act on.
    live = GroupSession.objects.filter(signups__user=member).order_by("starts_at").first()
    assert live is not None
    soon = timezone.now() + timedelta(minutes=5)
    GroupSession.objects.filter(pk=live.pk).update(
        starts_at=soon, ends_at=soon + (live.ends_at - live.starts_at)
    )
    live.refresh_from_db()
    actions.do_open_session_room(live.group.created_by, live)
    actions.do_check_in(member, live, mood_word="tired", passed=False)
    actions.do_set_hand(member, live, True)

    def ids(queryset: Any) -> list[Any]:
        return list(queryset.values_list("pk", flat=True)[:5])

    sessions = GroupSession.objects.filter(group__signups__user=member).distinct()
    return {
        "slug": list(Space.objects.values_list("slug", flat=True)[:3]),
        "thread_id": ids(Thread.objects.all()),
        "post_id": ids(Post.objects.all()),
        "instrument": ["phq9", "gad7"],
        "profile_id": [profile.pk],
        "therapist_profile_id": [profile.pk],
        "therapist_user_id": [therapist.pk],
        "plan_id": [plan.pk],
        "booking_id": [booking.pk],
        "room_id": ids(Room.objects.all()),
        "group_id": list(SignUp.objects.filter(user=member).values_list("group", flat=True)),
        "session_id": ids(sessions),
        "user_id": [u.pk for u in users.values() if u != member],
        "member_id": [member.pk],
        "grantee_id": [therapist.pk, users["steady_steps"].pk],
        "training_id": ids(Training.objects.all()),
        "connection_id": ids(Connection.objects.all()),
        "grant_id": ids(ConsentGrant.objects.all()),
        "referral_id": ids(Referral.objects.all()),
        "guide_id": ids(SavedGuide.objects.all()),
        "starts_at": [booking.starts_at.isoformat()],
    }


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, list[Any]]]:
    """Seeded once for the module, in a transaction rolled back at its end (each test's
    own transaction nests inside it)."""
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(DEMO_MODE=True):
        EXISTING.update(_seed())
        yield EXISTING
        EXISTING.clear()
        transaction.set_rollback(True)


@pytest.fixture
def keep_connection() -> Iterator[None]:
    """The test's transaction must outlive each request: Django closes the connection
    when a request starts or finishes; its test client prevents it the same way."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def token_for(world, db, keep_connection, settings, make_token) -> Any:
    """A read-and-write token for a demo persona (by handle), with the limits off."""
    from kindred.accounts.models import User

    # Test settings multiply the limits by 100, but a few hundred requests from one
    # account in seconds still cross some; the 429 answers are documented (and tested
    # in test_throttle and the rooms tests), so here the limits are out of the way of
    # the endpoints themselves.
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "")
    settings.ROOM_RATE_LIMIT_MESSAGES = 1_000_000

    def _token(handle: str) -> str:
        token, plaintext = make_token(User.objects.get(handle=handle), scopes=("read", "write"))
        EXISTING["token_id"] = [token.pk]
        return plaintext

    return _token


def call_and_validate(case: Any, token: str) -> None:
    # Each request runs in a savepoint that is rolled back, so every example starts from
    # the same data and a database error in one cannot abort the test's transaction.
    with transaction.atomic():
        response = case.call(app=APP, headers={"Authorization": f"Bearer {token}"})
        transaction.set_rollback(True)
    case.validate_response(response, checks=CHECKS)


@schema.parametrize()
@settings(suppress_health_check=HEALTH_CHECKS_OFF)
def test_the_api_matches_its_openapi_document(case, token_for):
    call_and_validate(case, token_for("quiet_harbour"))


@schema.include(path_regex="^/api/v1/groups").parametrize()
@settings(suppress_health_check=HEALTH_CHECKS_OFF)
def test_the_group_tools_match_it_for_the_facilitator(case, token_for):
    call_and_validate(case, token_for("lighthouse_frank"))
