"""Free instruments are on by default; DAST-10 waits for a licence confirmation."""

from __future__ import annotations

import pytest

from kindred.audit.models import AuditEvent
from kindred.measures.availability import (
    InstrumentUnavailable,
    available_instruments,
    check_instrument_available,
    do_confirm_licence,
    do_withdraw_licence,
)
from kindred.measures.models import InstrumentLicence

FREE = {"phq9", "phq2", "gad7", "gad2", "who5", "audit", "auditc", "pcl5"}

pytestmark = pytest.mark.django_db


def ids():
    return {definition.id for definition in available_instruments()}


def test_free_instruments_are_available_by_default():
    assert ids() == FREE


def test_dast10_is_unavailable_until_confirmed(staff):
    with pytest.raises(InstrumentUnavailable, match="'dast10' is not available"):
        check_instrument_available("dast10")
    licence = do_confirm_licence(staff, "dast10")
    assert ids() == FREE | {"dast10"}
    assert check_instrument_available("dast10").id == "dast10"
    licence.refresh_from_db()
    assert licence.confirmed_by == staff
    event = AuditEvent.objects.get(event="measures.licence_confirmed")
    assert event.changes == {"instrument": "dast10", "terms": "non_commercial"}


def test_withdrawing_the_licence_takes_dast10_away_again(staff):
    do_confirm_licence(staff, "dast10")
    do_withdraw_licence(staff, "dast10")
    assert ids() == FREE
    assert not InstrumentLicence.objects.exists()
    assert AuditEvent.objects.filter(event="measures.licence_withdrawn").count() == 1


def test_confirming_twice_keeps_one_row(staff, moderator):
    do_confirm_licence(staff, "dast10")
    do_confirm_licence(moderator, "dast10")
    assert InstrumentLicence.objects.get().confirmed_by == moderator


def test_an_unknown_instrument_is_unavailable_like_an_unlicensed_one():
    with pytest.raises(InstrumentUnavailable):
        check_instrument_available("cssrs")


def test_availability_costs_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        available_instruments()
