"""Members' reports: at most N an hour each, and one open flag per reported thing."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.core.models import Notification
from kindred.core.roles import Role
from kindred.safety import actions
from kindred.safety.models import Flag, FlagKind, FlagReport, FlagStatus
from tests.factories import UserFactory


@pytest.fixture
def people(db):
    return [UserFactory(handle=f"person_{i}", roles=[Role.MEMBER]) for i in range(8)]


@pytest.fixture
def post(member2, space, write):
    return write(member2, space, title="Selling", body="Buy my miracle cure").posts.get()


def _report_post(reporter, post, reason="spam", details=""):
    return actions.do_report(
        reporter,
        reason=reason,
        details=details,
        subject=post.author,
        source_type="community.post",
        source_id=str(post.pk),
        quoted_text=post.body,
        scope="community:depression-anxiety",
    )


@pytest.fixture
def scheduled(monkeypatch):
    """Every escalation timer scheduled after commit, by flag id."""
    calls: list[int] = []
    monkeypatch.setattr(
        actions, "_schedule_escalation", lambda flag_id, delay: calls.append(flag_id)
    )
    return calls


# --- One flag per reported thing -----------------------------------------------------------


def test_a_second_report_of_the_same_post_joins_the_open_flag(
    member, post, people, moderator, scheduled, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _report_post(member, post, reason="risk", details="worried")
        second = _report_post(people[0], post, reason="risk", details="me too")
        third = _report_post(people[1], post, reason="harassment")
    assert first == second == third
    assert Flag.objects.count() == 1
    assert list(first.reports.order_by("pk").values_list("reporter", "reason")) == [
        (member.pk, "risk"),
        (people[0].pk, "risk"),
        (people[1].pk, "harassment"),
    ]
    assert [r.details for r in first.reports.order_by("pk")] == ["worried", "me too", ""]
    # The moderators were alerted once, and the flag runs one timer.
    assert Notification.objects.filter(recipient=moderator, kind="safety.flag").count() == 1
    assert scheduled == [first.pk]
    added = AuditEvent.objects.filter(event="safety.flag_report_added", target_id=str(first.pk))
    assert [e.changes for e in added.order_by("seq")] == [
        {"reason": "risk", "reports": 2},
        {"reason": "harassment", "reports": 3},
    ]
    assert first.report_key == f"community.post:{post.pk}:{post.author_id}"


def test_many_reports_of_one_post_email_staff_once(
    member, post, people, staff, django_capture_on_commit_callbacks
):
    for reporter in [member, *people]:
        _report_post(reporter, post, reason="risk")
    later = timezone.now() + timedelta(minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        assert len(actions.escalate_overdue_flags(later)) == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [staff.email]
    assert Notification.objects.filter(recipient=staff, kind="safety.escalation").count() == 1


def test_the_same_member_reporting_again_adds_nothing(member, post, moderator):
    flag = _report_post(member, post)
    assert _report_post(member, post) == flag
    assert flag.reports.count() == 1
    assert not AuditEvent.objects.filter(event="safety.flag_report_added").exists()


def test_a_risk_report_moves_a_quiet_flag_onto_the_high_risk_clock_once(
    member, post, people, moderator, scheduled, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        flag = _report_post(member, post, reason="spam")
        assert scheduled == []  # spam runs no clock
        _report_post(people[0], post, reason="risk")
        _report_post(people[1], post, reason="risk")
    flag.refresh_from_db()
    assert flag.level == "high"
    assert scheduled == [flag.pk]
    titles = list(
        Notification.objects.filter(recipient=moderator, kind="safety.flag")
        .order_by("pk")
        .values_list("title", flat=True)
    )
    assert titles == [
        "A member report needs a moderator",
        "A member report now says someone may be at risk",
    ]


def test_reports_of_a_person_meet_in_one_flag_too(member, member2, people):
    first = actions.do_report(member, reason="harassment", subject=member2)
    second = actions.do_report(people[0], reason="harassment", subject=member2)
    assert first == second and first.report_key == f"user:{member2.pk}"


def test_two_people_reporting_each_other_through_one_connection_are_two_flags(member, member2):
    from kindred.peers.actions import do_report_peer
    from kindred.peers.models import Connection, ConnectionStatus

    connection_ = Connection.objects.create(
        requester=member, recipient=member2, supporter=member2, status=ConnectionStatus.ACTIVE
    )
    about_sam = do_report_peer(member, connection_, reason="harassment")
    about_maya = do_report_peer(member2, connection_, reason="harassment")
    assert about_sam != about_maya
    assert (about_sam.subject, about_maya.subject) == (member2, member)


def test_once_the_flag_is_closed_a_new_report_raises_a_new_flag(member, post, people, moderator):
    first = _report_post(member, post)
    actions.do_resolve(moderator, first, "no_action")
    second = _report_post(people[0], post)
    assert second != first and second.status == FlagStatus.OPEN
    assert Flag.objects.filter(kind=FlagKind.REPORT).count() == 2


def test_an_acknowledged_flag_still_gathers_reports(member, post, people, moderator):
    flag = _report_post(member, post)
    actions.do_acknowledge(moderator, flag)
    assert _report_post(people[0], post) == flag


def test_the_flag_page_and_queue_count_the_reports(login, member, post, people, moderator):
    flag = _report_post(member, post, details="first words")
    _report_post(people[0], post, details="second words")
    client = login(moderator)
    queue = client.get(reverse("safety_queue")).content.decode()
    assert "(2 reports)" in queue
    page = client.get(reverse("safety_flag", args=[flag.pk])).content.decode()
    assert 'id="report-count">2<' in page and "second words" in page


# --- At most N an hour ------------------------------------------------------------------


def test_a_member_may_send_five_reports_an_hour(member, people):
    for person in people[:5]:
        actions.do_report(member, reason="risk", subject=person)
    with pytest.raises(actions.ReportLimitReached, match="5 reports in the last hour"):
        actions.do_report(member, reason="risk", subject=people[5])
    assert Flag.objects.count() == 5
    # Another member is not held back by it.
    actions.do_report(people[0], reason="risk", subject=people[5])


def test_fifteen_reports_from_one_member_make_five_flags(member, people, moderator):
    targets = [*people, *[UserFactory(roles=[Role.MEMBER]) for _ in range(7)]]
    refused = 0
    for target in targets[:15]:
        try:
            actions.do_report(member, reason="risk", subject=target)
        except actions.ReportLimitReached:
            refused += 1
    assert (Flag.objects.count(), refused) == (5, 10)
    assert Notification.objects.filter(recipient=moderator, kind="safety.flag").count() == 5


def test_the_limit_is_a_setting_and_an_hour_is_an_hour(member, people, settings):
    settings.SAFETY_REPORTS_PER_HOUR = 2
    actions.do_report(member, reason="spam", subject=people[0])
    actions.do_report(member, reason="spam", subject=people[1])
    with pytest.raises(actions.ReportLimitReached, match="2 reports"):
        actions.do_report(member, reason="spam", subject=people[2])
    FlagReport.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    actions.do_report(member, reason="spam", subject=people[2])


def test_a_refused_report_says_when_the_next_one_is_taken(member, people, settings):
    settings.SAFETY_REPORTS_PER_HOUR = 1
    actions.do_report(member, reason="spam", subject=people[0])
    FlagReport.objects.update(created_at=timezone.now() - timedelta(minutes=50))
    with pytest.raises(actions.ReportLimitReached) as refused:
        actions.do_report(member, reason="spam", subject=people[1])
    assert 595 <= refused.value.retry_after <= 601


def test_the_report_page_answers_429_and_keeps_what_was_written(login, member, people, settings):
    settings.SAFETY_REPORTS_PER_HOUR = 1
    client = login(member)
    client.post(reverse("safety_report"), {"handle": people[0].handle, "reason": "spam"})
    response = client.post(
        reverse("safety_report"),
        {"handle": people[1].handle, "reason": "harassment", "details": "What I carefully wrote"},
    )
    assert response.status_code == 429
    body = response.content.decode()
    assert "1 report in the last hour" in body and "What I carefully wrote" in body
    assert people[1].handle in body
    assert Flag.objects.count() == 1
    # Until the first report is an hour old.
    assert 3500 < int(response["Retry-After"]) <= 3600


def test_the_api_answers_429(client, member, post, people, settings, space, write):
    settings.SAFETY_REPORTS_PER_HOUR = 1
    other = write(people[0], space, title="Another", body="Another post").posts.get()
    client.force_login(member)
    first = client.post(
        f"/api/v1/posts/{post.pk}/reports", {"reason": "spam"}, content_type="application/json"
    )
    assert first.status_code == 201
    second = client.post(
        f"/api/v1/posts/{other.pk}/reports", {"reason": "spam"}, content_type="application/json"
    )
    assert second.status_code == 429
    assert "1 report in the last hour" in second.json()["detail"]
    assert second.json()["code"] == "rate_limited"
    assert 3500 < int(second["Retry-After"]) <= 3600


def test_a_peer_report_over_the_limit_keeps_the_text_too(login, member, member2, settings):
    from kindred.peers.models import Connection, ConnectionStatus

    settings.SAFETY_REPORTS_PER_HOUR = 1
    connection_ = Connection.objects.create(
        requester=member, recipient=member2, supporter=member2, status=ConnectionStatus.ACTIVE
    )
    actions.do_report(member, reason="spam", subject=UserFactory(roles=[Role.MEMBER]))
    client = login(member)
    url = reverse("peers_report", args=[connection_.pk])
    response = client.post(url, {"reason": "harassment", "details": "Kept words"})
    assert response.status_code == 429
    assert "Kept words" in response.content.decode()
    assert int(response["Retry-After"]) <= 3600
    api = client.post(
        f"/api/v1/peers/connections/{connection_.pk}/report",
        {"reason": "harassment", "details": "x"},
        content_type="application/json",
    )
    assert api.status_code == 429
    assert int(api["Retry-After"]) <= 3600


# --- Under real concurrency (PostgreSQL) -------------------------------------------------


def _race(work, args):
    barrier = threading.Barrier(len(args))
    errors: list[BaseException] = []
    results: list[object] = []

    def run(arg):
        try:
            barrier.wait(timeout=30)
            results.append(work(arg))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in args]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_reports_of_one_thing_raise_one_flag():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's in-memory test database is not shared by threads")
    target = UserFactory(handle="reported_one", roles=[Role.MEMBER])
    reporters = [UserFactory(handle=f"racer_{i}", roles=[Role.MEMBER]) for i in range(12)]
    moderator = UserFactory(handle="mod_race", roles=[Role.MODERATOR], mfa=True)

    def report(reporter):
        return actions.do_report(
            reporter, reason="risk", subject=target, source_type="tests.item", source_id="7"
        ).pk

    results, errors = _race(report, reporters)
    assert errors == []
    assert len(set(results)) == 1
    flag = Flag.objects.get()
    assert flag.reports.count() == 12
    assert Notification.objects.filter(recipient=moderator, kind="safety.flag").count() == 1
    assert AuditEvent.objects.filter(event="safety.flag_raised").count() == 1
    assert AuditEvent.objects.filter(event="safety.flag_report_added").count() == 11


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_reports_from_one_member_stay_within_the_limit():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's in-memory test database is not shared by threads")
    reporter = UserFactory(handle="eager", roles=[Role.MEMBER])
    targets = [UserFactory(handle=f"target_{i}", roles=[Role.MEMBER]) for i in range(12)]

    def report(target):
        try:
            return actions.do_report(reporter, reason="spam", subject=target).pk
        except actions.ReportLimitReached:
            return None

    results, errors = _race(report, targets)
    assert errors == []
    assert len([r for r in results if r is not None]) == 5
    assert Flag.objects.count() == FlagReport.objects.count() == 5
