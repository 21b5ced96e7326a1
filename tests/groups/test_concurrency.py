"""Capacity under concurrency: the row lock on the session (or group) serialises places."""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connection, connections

from kindred.community.models import Space
from kindred.core.roles import Role
from kindred.groups import actions
from kindred.groups.models import GroupFormat, SignUp, SignUpStatus
from tests.factories import UserFactory
from tests.groups.factories import make_group, make_session

RACERS = 30
CAPACITY = 5


def _space():
    space, _ = Space.objects.get_or_create(
        slug="race-space", defaults={"name": "Race", "description": "-", "guidelines": "-"}
    )
    return space


def _race(work, people):
    barrier = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def run(person):
        try:
            barrier.wait(timeout=30)
            work(person)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", [GroupFormat.OPEN, GroupFormat.COHORT])
def test_thirty_concurrent_joins_never_exceed_capacity(fmt):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's in-memory test database is not shared by threads")
    facilitator = UserFactory(roles=[Role.MEMBER, Role.FACILITATOR])
    group = make_group(facilitator, _space(), format=fmt, capacity=CAPACITY)
    session = make_session(group) if fmt == GroupFormat.OPEN else None
    people = [UserFactory(handle=f"racer_{i}", roles=[Role.MEMBER]) for i in range(RACERS)]

    _race(lambda p: actions.do_join(p, group, session), people)

    rows = SignUp.objects.filter(group=group)
    assert rows.count() == RACERS
    assert rows.filter(status=SignUpStatus.JOINED).count() == CAPACITY
    assert rows.filter(status=SignUpStatus.WAITLISTED).count() == RACERS - CAPACITY


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_leaves_and_joins_keep_the_session_exactly_full():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's in-memory test database is not shared by threads")
    facilitator = UserFactory(roles=[Role.MEMBER, Role.FACILITATOR])
    group = make_group(facilitator, _space(), capacity=CAPACITY)
    session = make_session(group)
    first = [UserFactory(handle=f"early_{i}", roles=[Role.MEMBER]) for i in range(CAPACITY + 5)]
    for person in first:
        actions.do_join(person, group, session)
    late = [UserFactory(handle=f"late_{i}", roles=[Role.MEMBER]) for i in range(10)]
    leavers = first[:CAPACITY]

    def work(person):
        if person in leavers:
            actions.do_leave(person, group, session)
        else:
            actions.do_join(person, group, session)

    _race(work, leavers + late)

    joined = SignUp.objects.filter(session=session, status=SignUpStatus.JOINED)
    assert joined.count() == CAPACITY
    # The five who waited longest (before anyone in the race) got the freed places.
    assert set(joined.values_list("user_id", flat=True)) == {p.pk for p in first[CAPACITY:]}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_raising_capacity_while_people_join_promotes_the_waitlist_in_order():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's in-memory test database is not shared by threads")
    from kindred.groups import actions

    facilitator = UserFactory(roles=[Role.MEMBER, Role.FACILITATOR])
    group = make_group(facilitator, _space(), capacity=CAPACITY)
    session = make_session(group)
    first = [UserFactory(handle=f"early_{i}", roles=[Role.MEMBER]) for i in range(CAPACITY + 5)]
    for person in first:
        actions.do_join(person, group, session)
    late = [UserFactory(handle=f"late_{i}", roles=[Role.MEMBER]) for i in range(10)]
    new_capacity = CAPACITY + 3

    def work(person):
        if person is facilitator:
            actions.do_update_group(
                facilitator,
                group,
                actions.GroupChanges(
                    topic=group.topic,
                    description=group.description,
                    norms=group.norms,
                    capacity=new_capacity,
                    session_minutes=group.session_minutes,
                ),
            )
        else:
            actions.do_join(person, group, session)

    _race(work, [facilitator, *late])

    joined = SignUp.objects.filter(session=session, status=SignUpStatus.JOINED)
    assert joined.count() == new_capacity
    # The places went to the people who had waited longest, never to a late arrival.
    assert set(joined.values_list("user_id", flat=True)) == {p.pk for p in first[:new_capacity]}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_archiving_while_people_join_leaves_nothing_scheduled_and_never_deadlocks():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's in-memory test database is not shared by threads")
    from django.utils import timezone

    from kindred.core.models import Notification
    from kindred.groups import actions
    from kindred.groups.models import GroupSession, SessionStatus

    facilitator = UserFactory(roles=[Role.MEMBER, Role.FACILITATOR])
    group = make_group(facilitator, _space(), capacity=CAPACITY)
    session = make_session(group)
    people = [UserFactory(handle=f"joiner_{i}", roles=[Role.MEMBER]) for i in range(15)]

    def work(person):
        if person is facilitator:
            actions.do_archive_group(facilitator, group)
            return
        # Refused if the group closed first, as it should be.
        with contextlib.suppress(actions.GroupError):
            actions.do_join(person, group, session)

    _race(work, [facilitator, *people])

    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert not GroupSession.objects.filter(
        group=group, status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now()
    ).exists()
    joined = SignUp.objects.filter(session=session, status=SignUpStatus.JOINED)
    assert joined.count() <= CAPACITY
    # Whoever got in before the archive was told it is off; nobody got in after it.
    signed_up = set(
        SignUp.objects.filter(session=session)
        .exclude(status=SignUpStatus.LEFT)
        .values_list("user_id", flat=True)
    )
    told = set(
        Notification.objects.filter(kind="groups.group_archived").values_list(
            "recipient_id", flat=True
        )
    )
    assert signed_up == told
