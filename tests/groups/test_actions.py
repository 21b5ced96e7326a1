from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from kindred.accounts.models import AgeBand
from kindred.audit.models import AuditEvent
from kindred.core.models import Notification
from kindred.core.roles import Role
from kindred.groups import actions
from kindred.groups.models import Attendance, GroupFormat, GroupSession, SignUp, SignUpStatus
from kindred.safety.actions import do_block
from tests.care.factories import assert_sharing_ended, share_before_it_ends
from tests.factories import UserFactory
from tests.groups.factories import make_group, make_session


def members(n):
    return [UserFactory(roles=[Role.MEMBER]) for _ in range(n)]


def test_creating_a_group_materialises_the_sessions_ahead(facilitator, space):
    now = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
    group = make_group(facilitator, space, now=now)
    starts = list(GroupSession.objects.filter(group=group).values_list("starts_at", flat=True))
    # 28 days ahead: 24 and 31 March, 7 and 14 April; 19:00 London on each side of DST.
    assert starts == [
        datetime(2026, 3, 24, 19, tzinfo=UTC),
        datetime(2026, 3, 31, 18, tzinfo=UTC),
        datetime(2026, 4, 7, 18, tzinfo=UTC),
        datetime(2026, 4, 14, 18, tzinfo=UTC),
    ]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=90) for s in group.sessions.all())
    assert group.facilitators.filter(pk=facilitator.pk).exists()
    assert AuditEvent.objects.filter(event="groups.group_created", target_id=str(group.pk)).exists()
    # Running it again adds nothing.
    assert actions.do_materialise_sessions(group, now=now) == 0


def test_only_facilitators_create_groups(member, space):
    with pytest.raises(actions.GroupError):
        make_group(member, space)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"capacity": 1}, "2 to 50"),
        ({"recurrence": "FREQ=SECONDLY"}, "daily, weekly or monthly"),
        ({"timezone": "Nowhere/Land"}, "Unknown time zone"),
        ({"topic": " "}, "topic"),
        ({"format": "popup", "quorum": 20}, "pop-up"),
    ],
)
def test_bad_group_specs_are_refused_with_a_reason(facilitator, space, change, message):
    spec = actions.GroupSpec(
        space=space,
        topic="T",
        description="D",
        format="open",
        capacity=8,
        recurrence="FREQ=WEEKLY;BYDAY=TU",
        first_starts_at_local=datetime(2026, 1, 6, 19),
        timezone="UTC",
    )
    with pytest.raises(actions.GroupError, match=message):
        actions.do_create_group(facilitator, actions.GroupSpec(**{**spec.__dict__, **change}))


def test_drop_in_sign_up_is_per_session_and_full_sessions_waitlist(facilitator, space):
    group = make_group(facilitator, space, capacity=2)
    session = make_session(group)
    a, b, c, d = members(4)
    assert actions.do_join(a, group, session).status == SignUpStatus.JOINED
    assert actions.do_join(b, group, session).status == SignUpStatus.JOINED
    waiting = actions.do_join(c, group, session)
    assert waiting.status == SignUpStatus.WAITLISTED
    assert actions.do_join(d, group, session).status == SignUpStatus.WAITLISTED
    assert actions.waitlist_position(waiting) == 1
    # Joining twice changes nothing.
    assert actions.do_join(a, group, session).pk == SignUp.objects.get(user=a).pk
    assert SignUp.objects.filter(session=session, status=SignUpStatus.JOINED).count() == 2
    with pytest.raises(actions.GroupError):
        actions.do_join(a, group)  # a drop-in place needs a session


def test_leaving_promotes_the_head_of_the_waitlist_and_tells_them(facilitator, space):
    group = make_group(facilitator, space, capacity=2)
    session = make_session(group)
    a, b, c, d = members(4)
    for person in (a, b, c, d):
        actions.do_join(person, group, session)
    actions.do_leave(a, group, session)
    statuses = dict(SignUp.objects.filter(session=session).values_list("user_id", "status"))
    assert statuses == {
        a.pk: SignUpStatus.LEFT,
        b.pk: SignUpStatus.JOINED,
        c.pk: SignUpStatus.JOINED,
        d.pk: SignUpStatus.WAITLISTED,
    }
    note = Notification.objects.get(recipient=c, kind="groups.promoted")
    assert group.topic in note.title
    assert not Notification.objects.filter(recipient=d, kind="groups.promoted").exists()
    # Leaving the waitlist promotes nobody and frees no place.
    actions.do_leave(d, group, session)
    assert SignUp.objects.filter(session=session, status=SignUpStatus.JOINED).count() == 2


def test_rejoining_after_leaving_goes_to_the_back_of_the_queue(facilitator, space):
    group = make_group(facilitator, space, capacity=2)
    session = make_session(group)
    a, b, c, d = members(4)
    for person in (a, b, c, d):
        actions.do_join(person, group, session)
    actions.do_leave(c, group, session)
    again = actions.do_join(c, group, session)
    assert again.status == SignUpStatus.WAITLISTED
    assert actions.waitlist_position(again) == 2


def test_cohort_places_are_for_the_whole_group(cohort):
    a, b, c = members(3)
    assert actions.do_join(a, cohort).status == SignUpStatus.JOINED
    assert actions.do_join(b, cohort).status == SignUpStatus.JOINED
    assert actions.do_join(c, cohort).status == SignUpStatus.WAITLISTED
    assert SignUp.objects.filter(group=cohort, session__isnull=False).count() == 0
    actions.do_leave(a, cohort)
    assert SignUp.objects.get(user=c).status == SignUpStatus.JOINED


def test_popup_opens_at_quorum_and_tells_everyone(facilitator, space):
    group = make_group(facilitator, space, format=GroupFormat.POPUP, capacity=4, quorum=3)
    assert group.sessions.count() == 0
    a, b, c, d, e = members(5)
    assert actions.do_join(a, group).status == SignUpStatus.WAITLISTED
    assert actions.do_join(b, group).status == SignUpStatus.WAITLISTED
    group.refresh_from_db()
    assert group.opened_at is None
    third = actions.do_join(c, group)
    group.refresh_from_db()
    assert group.opened_at is not None
    assert third.status == SignUpStatus.JOINED
    assert group.sessions.count() > 0
    assert set(
        SignUp.objects.filter(group=group, status=SignUpStatus.JOINED).values_list(
            "user", flat=True
        )
    ) == {a.pk, b.pk, c.pk}
    assert (
        Notification.objects.filter(kind="groups.popup_opened", recipient__in=[a, b, c]).count()
        == 3
    )
    assert Notification.objects.filter(kind="groups.popup_opened", recipient=facilitator).exists()
    # Once open it fills like a cohort.
    assert actions.do_join(d, group).status == SignUpStatus.JOINED
    assert actions.do_join(e, group).status == SignUpStatus.WAITLISTED


def test_teens_and_adults_stay_apart(facilitator, space, teen_space):
    teen = UserFactory(roles=[Role.MEMBER], age_band=AgeBand.TEEN)
    adult = UserFactory(roles=[Role.MEMBER])
    adult_group = make_group(facilitator, space)
    teen_group = make_group(facilitator, teen_space, topic="Teens")
    with pytest.raises(actions.GroupError, match="age group"):
        actions.do_join(teen, adult_group, make_session(adult_group))
    with pytest.raises(actions.GroupError, match="age group"):
        actions.do_join(adult, teen_group, make_session(teen_group))


def test_blocking_the_facilitator_stops_the_sign_up(facilitator, member, group, session):
    do_block(member, facilitator)
    member.__dict__.pop("_blocked_ids", None)
    with pytest.raises(actions.GroupError, match="blocked"):
        actions.do_join(member, group, session)


@pytest.mark.parametrize("who", ["therapist", "moderator", "facilitator"])
def test_people_who_are_not_members_or_run_it_cannot_sign_up(request, who, group, session):
    with pytest.raises(actions.GroupError):
        actions.do_join(request.getfixturevalue(who), group, session)


def test_a_started_session_takes_no_sign_ups(group, member):
    started = make_session(group, starts_in=timedelta(minutes=-5))
    with pytest.raises(actions.GroupError, match="closed"):
        actions.do_join(member, group, started)


def test_session_of_another_group_is_refused(facilitator, space, member):
    one = make_group(facilitator, space)
    other = make_group(facilitator, space, topic="Other")
    with pytest.raises(actions.GroupError):
        actions.do_join(member, one, make_session(other))


def test_rating_once_and_only_by_those_who_were_there(group, session, member, member2):
    actions.do_join(member, group, session)
    with pytest.raises(actions.GroupError, match="were in the session"):
        actions.do_rate_session(member, session, 4)
    Attendance.objects.create(session=session, user=member, joined_room_at=timezone.now())
    with pytest.raises(actions.GroupError, match="1 to 5"):
        actions.do_rate_session(member, session, 9)
    assert actions.do_rate_session(member, session, 4).rating == 4
    with pytest.raises(actions.GroupError, match="already"):
        actions.do_rate_session(member, session, 5)
    with pytest.raises(actions.GroupError):
        actions.do_rate_session(member2, session, 5)


def test_the_facilitator_does_not_rate_their_own_session(group, session, facilitator):
    Attendance.objects.create(session=session, user=facilitator, joined_room_at=timezone.now())
    with pytest.raises(actions.GroupError, match="Facilitators don't rate"):
        actions.do_rate_session(facilitator, session, 5)
    assert Attendance.objects.get(session=session, user=facilitator).rated_at is None


def test_upcoming_for_lists_my_places_and_what_i_facilitate(facilitator, space, member, member2):
    drop_in = make_group(facilitator, space)
    cohort = make_group(facilitator, space, format=GroupFormat.COHORT, topic="Cohort")
    s1 = make_session(drop_in)
    make_session(drop_in, starts_in=timedelta(days=1))
    s3 = make_session(cohort, starts_in=timedelta(hours=2))
    actions.do_join(member, drop_in, s1)
    actions.do_join(member, cohort)
    mine = list(actions.upcoming_for(member))
    assert s1 in mine and s3 in mine
    assert all(s.group_id == cohort.pk or s.pk == s1.pk for s in mine)
    assert list(actions.upcoming_for(member2)) == []
    assert set(actions.upcoming_for(facilitator)) >= {s1, s3}


def test_join_reads_the_session_and_group_again_under_the_lock(facilitator, space, member):
    """A page loaded before a cancel or an archive can't sign anyone up after it."""
    from kindred.groups import actions
    from kindred.groups.models import Group

    group = make_group(facilitator, space)
    session = make_session(group)
    stale_session = GroupSession.objects.get(pk=session.pk)
    actions.do_cancel_session(facilitator, session, "Holiday")
    with pytest.raises(actions.GroupError, match="closed"):
        actions.do_join(member, group, stale_session)
    other = make_session(group, starts_in=timedelta(days=1, hours=3))
    stale_group = Group.objects.get(pk=group.pk)
    stale_other = GroupSession.objects.get(pk=other.pk)
    actions.do_archive_group(facilitator, group)
    with pytest.raises(actions.GroupError, match="not meeting"):
        actions.do_join(member, stale_group, stale_other)
    assert not SignUp.objects.filter(user=member).exists()


# --- A teen turning 18 ---------------------------------------------------------------

BIRTHDAY = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def test_turning_18_gives_up_places_to_come_in_teen_groups_and_keeps_the_past(
    facilitator, teen_space, time_machine
):
    from datetime import date

    from kindred.accounts.actions import do_move_to_adult

    time_machine.move_to(BIRTHDAY - timedelta(days=1), tick=False)
    turning = UserFactory(age_band=AgeBand.TEEN, date_of_birth=date(2009, 3, 10))
    friend = UserFactory(age_band=AgeBand.TEEN)
    younger = UserFactory(age_band=AgeBand.TEEN)
    cohort = make_group(
        facilitator, teen_space, format=GroupFormat.COHORT, capacity=2, topic="Teen cohort"
    )
    drop_in = make_group(facilitator, teen_space, topic="Teen drop-in")
    past = make_session(drop_in, starts_in=timedelta(minutes=10))
    coming = make_session(drop_in, starts_in=timedelta(days=3))
    assert actions.do_join(turning, cohort).status == SignUpStatus.JOINED
    assert actions.do_join(friend, cohort).status == SignUpStatus.JOINED
    assert actions.do_join(younger, cohort).status == SignUpStatus.WAITLISTED
    actions.do_join(turning, drop_in, past)
    actions.do_join(turning, drop_in, coming)

    time_machine.move_to(BIRTHDAY, tick=False)
    assert do_move_to_adult(turning)

    def status(user, group, session=None):
        return SignUp.objects.get(user=user, group=group, session=session).status

    assert status(turning, cohort) == SignUpStatus.LEFT
    assert status(younger, cohort) == SignUpStatus.JOINED  # the freed place moved up
    assert status(turning, drop_in, coming) == SignUpStatus.LEFT
    assert status(turning, drop_in, past) == SignUpStatus.JOINED  # history stays
    event = AuditEvent.objects.get(event="account.age_band_changed")
    assert event.changes["group_places_given_up"] == 2


def test_a_corrected_band_gives_up_places_in_the_other_bands_groups_but_not_facilitation(
    facilitator, space, staff, member
):
    from datetime import date

    from kindred.accounts.actions import do_correct_date_of_birth

    adult_group = make_group(facilitator, space, topic="Adults")
    adults_session = make_session(adult_group, starts_in=timedelta(days=2))
    actions.do_join(member, adult_group, adults_session)
    co_run = make_group(facilitator, space, topic="Co-facilitated")
    co_run.facilitators.add(member)

    # Staff learn that Maya is 14: the band follows the corrected date.
    do_correct_date_of_birth(staff, member, date(2013, 1, 1))
    member.refresh_from_db()
    assert member.age_band == AgeBand.TEEN
    assert SignUp.objects.get(user=member, session=adults_session).status == SignUpStatus.LEFT
    # Facilitating is a role staff give and take, not a sign-up: it stays.
    assert co_run.facilitators.filter(pk=member.pk).exists()
    event = AuditEvent.objects.get(event="account.date_of_birth_corrected")
    assert event.changes["group_places_given_up"] == 1


# --- Sharing ends with the place (kindred/care/actions.py) ------------------------------


def test_leaving_the_only_group_ends_what_the_member_shared_with_its_facilitator(
    client, cohort, facilitator, member
):
    actions.do_join(member, cohort)
    share_before_it_ends(client, member, facilitator)

    actions.do_leave(member, cohort)

    assert_sharing_ended(client, member, facilitator, "left_group")


def test_leaving_one_group_keeps_what_another_group_with_the_same_facilitator_needs(
    client, cohort, facilitator, space, member
):
    other = make_group(facilitator, space, format=GroupFormat.COHORT, topic="Second circle")
    actions.do_join(member, cohort)
    actions.do_join(member, other)
    grant = share_before_it_ends(client, member, facilitator)

    actions.do_leave(member, cohort)

    grant.refresh_from_db()
    assert grant.status() == "active" and grant.ended_reason == ""
    assert client.get(f"/my/care/shared/{member.pk}/").status_code == 200
    actions.do_leave(member, other)
    assert_sharing_ended(client, member, facilitator, "left_group")


def test_someone_else_leaving_ends_nothing_the_member_shared(
    client, cohort, facilitator, member, member2
):
    actions.do_join(member, cohort)
    share_before_it_ends(client, member, facilitator)
    actions.do_join(member2, cohort)
    actions.do_leave(member2, cohort)
    assert client.get(f"/my/care/shared/{member.pk}/").status_code == 200
