from datetime import UTC, date, datetime, timedelta

import pytest

from kindred.accounts.actions import (
    AgeError,
    check_date_of_birth,
    do_complete_signup,
    do_correct_date_of_birth,
    do_grant_role,
    do_move_teens_who_came_of_age,
    do_move_to_adult,
    do_revoke_role,
    do_update_profile,
)
from kindred.accounts.models import AgeBand, User
from kindred.audit.models import AuditEvent
from kindred.core.models import Notification
from kindred.core.roles import Role
from tests.factories import UserFactory


def test_granting_a_role_is_audited_once(staff, member):
    assert do_grant_role(staff, member, Role.PEER_SUPPORTER) is True
    assert do_grant_role(staff, member, Role.PEER_SUPPORTER) is False
    events = AuditEvent.objects.filter(event="account.role_granted", target_id=str(member.pk))
    assert [(e.actor_id, e.changes) for e in events] == [(staff.pk, {"role": "peer_supporter"})]
    assert member.has_role(Role.PEER_SUPPORTER)


def test_revoking_a_role_takes_effect_at_once(staff, member):
    do_grant_role(staff, member, Role.PEER_SUPPORTER)
    assert member.has_role(Role.PEER_SUPPORTER)
    assert do_revoke_role(staff, member, Role.PEER_SUPPORTER) is True
    assert not member.has_role(Role.PEER_SUPPORTER)
    assert AuditEvent.objects.filter(event="account.role_revoked").count() == 1


def test_an_unknown_role_is_refused(staff, member):
    with pytest.raises(ValueError):
        do_grant_role(staff, member, "wizard")


def test_profile_updates_audit_field_names_but_never_values(member):
    do_update_profile(member, {"legal_name": "Maya Secret-Surname", "country": "IE"})
    member.refresh_from_db()
    assert member.country == "IE"
    event = AuditEvent.objects.get(event="account.profile_updated")
    assert event.changes == {"fields": ["country", "legal_name"]}
    assert "Secret-Surname" not in str(event.changes)


def test_an_unchanged_profile_writes_nothing(member):
    do_update_profile(member, {"country": member.country})
    assert not AuditEvent.objects.filter(event="account.profile_updated").exists()


# --- Age ---------------------------------------------------------------------------

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
EIGHTEEN_ON_NOW = date(2009, 3, 10)


@pytest.fixture
def turning_18(db, time_machine):
    """A teen who signed up yesterday and turns 18 at ``NOW``; the clock stands at ``NOW``."""
    time_machine.move_to(NOW - timedelta(days=1), tick=False)
    teen = UserFactory(handle="teen_tia", age_band=AgeBand.TEEN, date_of_birth=EIGHTEEN_ON_NOW)
    time_machine.move_to(NOW, tick=False)
    return teen


def test_sign_up_stores_the_band_and_keeps_the_date_out_of_the_audit_log(db, time_machine):
    time_machine.move_to(NOW, tick=False)
    user = User.objects.create_user(email="new@example.test", password=None, handle="tmp")
    do_complete_signup(user, handle="new_one", date_of_birth=date(2014, 3, 10))
    user.refresh_from_db()
    assert (user.age_band, user.date_of_birth) == (AgeBand.TEEN, date(2014, 3, 10))
    assert user.role_names() == {Role.MEMBER}
    event = AuditEvent.objects.get(event="account.signup")
    assert event.changes == {"age_band": "teen"}
    assert "2014" not in str(event.changes)


@pytest.mark.parametrize(
    ("born", "message"),
    [
        (date(2014, 3, 11), "aged 13 and over"),
        (date(2027, 3, 11), "can't be in the future"),
        (date(1890, 1, 1), "check the year"),
    ],
)
def test_sign_up_refuses_a_date_that_cannot_open_an_account(db, time_machine, born, message):
    time_machine.move_to(NOW, tick=False)
    with pytest.raises(AgeError, match=message):
        check_date_of_birth(born, NOW.date())


def test_the_minimum_age_is_the_hosts_choice(settings):
    settings.MINIMUM_AGE = 16
    with pytest.raises(AgeError, match="aged 16 and over"):
        check_date_of_birth(date(2011, 3, 11), NOW.date())
    check_date_of_birth(date(2011, 3, 10), NOW.date())  # 16 today


def test_a_teen_who_turned_18_moves_once_with_an_audit_record_and_a_notice(turning_18):
    assert do_move_to_adult(turning_18) is True
    assert do_move_to_adult(turning_18) is False
    turning_18.refresh_from_db()
    assert turning_18.age_band == AgeBand.ADULT
    event = AuditEvent.objects.get(event="account.age_band_changed")
    assert event.actor_id is None
    assert event.target_id == str(turning_18.pk)
    assert event.changes == {
        "age_band": {"from": "teen", "to": "adult"},
        "reason": "turned_18",
        "group_places_given_up": 0,
        "peer_connections_ended": 0,
        "peer_requests_closed": 0,
    }
    notice = Notification.objects.get(recipient=turning_18, kind="account.age_band_changed")
    assert "18" in notice.title


def test_a_teen_is_not_moved_the_day_before(turning_18, time_machine):
    time_machine.move_to(NOW - timedelta(days=1), tick=False)
    assert do_move_to_adult(turning_18) is False
    turning_18.refresh_from_db()
    assert turning_18.age_band == AgeBand.TEEN
    assert not AuditEvent.objects.filter(event="account.age_band_changed").exists()


def test_the_sweep_moves_only_the_teens_who_came_of_age(turning_18):
    younger = UserFactory(age_band=AgeBand.TEEN, date_of_birth=date(2009, 3, 11))
    legacy = UserFactory(age_band=AgeBand.TEEN, date_of_birth=None)
    adult = UserFactory()
    assert do_move_teens_who_came_of_age() == 1
    assert do_move_teens_who_came_of_age() == 0
    bands = dict(
        User.objects.filter(pk__in=[turning_18.pk, younger.pk, legacy.pk, adult.pk]).values_list(
            "pk", "age_band"
        )
    )
    assert bands == {
        turning_18.pk: "adult",
        younger.pk: "teen",
        legacy.pk: "teen",
        adult.pk: "adult",
    }


def test_staff_correct_a_date_of_birth_with_an_audit_record_both_ways(staff, time_machine):
    time_machine.move_to(NOW, tick=False)
    person = UserFactory()
    changes = do_correct_date_of_birth(staff, person, date(2012, 5, 1))
    person.refresh_from_db()
    assert (person.age_band, person.date_of_birth) == (AgeBand.TEEN, date(2012, 5, 1))
    assert changes["age_band"] == {"from": "adult", "to": "teen"}
    do_correct_date_of_birth(staff, person, date(2012, 6, 1))
    do_correct_date_of_birth(staff, person, date(1999, 5, 1))
    person.refresh_from_db()
    assert person.age_band == AgeBand.ADULT
    events = AuditEvent.objects.filter(event="account.date_of_birth_corrected").order_by("seq")
    assert [(e.actor_id, e.changes["age_band"]) for e in events] == [
        (staff.pk, {"from": "adult", "to": "teen"}),
        (staff.pk, {"from": "teen", "to": "teen"}),
        (staff.pk, {"from": "teen", "to": "adult"}),
    ]
    assert all("2012" not in str(e.changes) and "1999" not in str(e.changes) for e in events)


def test_clearing_a_date_keeps_the_band(staff):
    teen = UserFactory(age_band=AgeBand.TEEN)
    do_correct_date_of_birth(staff, teen, None)
    teen.refresh_from_db()
    assert (teen.age_band, teen.date_of_birth) == (AgeBand.TEEN, None)


# --- Closing an account (kindred/accounts/lifecycle.py) ---------------------------------


def test_deactivating_runs_every_closing_handler_once_and_audits_what_they_ended(db, staff, member):
    from kindred.accounts.actions import do_deactivate_account
    from kindred.accounts.lifecycle import ACCOUNT_CLOSED_HANDLERS

    seen = []
    ACCOUNT_CLOSED_HANDLERS.register("test.seen", lambda user: seen.append(user.pk) or 3)
    try:
        assert do_deactivate_account(staff, member) is True
        assert do_deactivate_account(staff, member) is False
    finally:
        ACCOUNT_CLOSED_HANDLERS.unregister("test.seen")
    assert seen == [member.pk]
    member.refresh_from_db()
    assert not member.is_active
    event = AuditEvent.objects.get(event="account.deactivated")
    assert event.changes == {"is_active": [True, False], "care.grants": 0, "test.seen": 3}
