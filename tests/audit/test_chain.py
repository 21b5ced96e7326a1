import importlib
import itertools
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError

from kindred.audit.actions import record_event, record_read, verify_chain
from kindred.audit.chain import GENESIS
from kindred.audit.models import AppendOnlyError, AuditEvent, AuditHead


def _write_events(actor, n=5):
    return [
        record_event(
            actor=actor, event="test.changed", target=actor, changes={"fields": ["handle"], "n": i}
        )
        for i in range(n)
    ]


@pytest.fixture
def guard_disabled():
    """Simulate someone with raw database access bypassing the triggers (restored after)."""
    triggers = importlib.import_module("kindred.audit.migrations.0002_append_only_triggers")

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in triggers.SQLITE_REVERSE:
                cursor.execute(sql)
        else:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_change")
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in triggers.SQLITE:
                cursor.execute(sql)
        else:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_no_change")


def test_it_links_each_event_to_the_previous_one(member):
    events = _write_events(member, 3)
    assert events[0].prev_hash == GENESIS or events[0].seq > 1
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
        assert after.seq == before.seq + 1
    head = AuditHead.objects.get()
    assert (head.seq, head.hash) == (events[-1].seq, events[-1].hash)
    assert verify_chain() == []


def test_it_records_who_what_which_and_from_where(member, rf):
    request = rf.get("/", REMOTE_ADDR="203.0.113.9")
    event = record_read(actor=member, target=member, request=request, what="profile")
    event.refresh_from_db()
    assert event.actor_id == member.pk
    assert event.event == "accounts.user.read"
    assert (event.target_type, event.target_id) == ("accounts.user", str(member.pk))
    assert event.ip == "203.0.113.9"
    assert event.changes == {"what": "profile"}


def test_the_address_behind_a_trusted_proxy_is_the_clients(member, rf, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    forwarded = {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    via_proxy = record_read(
        actor=member, target=member, request=rf.get("/", REMOTE_ADDR="10.0.0.1", **forwarded)
    )
    direct = record_read(
        actor=member, target=member, request=rf.get("/", REMOTE_ADDR="198.51.100.2", **forwarded)
    )
    assert via_proxy.ip == "203.0.113.9"
    assert direct.ip == "198.51.100.2"  # Anyone can write the header.


def test_the_orm_refuses_to_change_or_delete_events(member):
    event = _write_events(member, 1)[0]
    event.event = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(event="forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_raw_updates_and_deletes(member):
    event = _write_events(member, 1)[0]
    statements = ["UPDATE audit_auditevent SET event = 'forged' WHERE id = %s"]
    if connection.vendor == "postgresql":
        # SQLite has no DELETE trigger (see the migration); the chain catches deletes.
        statements.append("DELETE FROM audit_auditevent WHERE id = %s")
    for sql in statements:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.event == "test.changed"


@pytest.mark.django_db(transaction=True)
def test_verify_audit_finds_an_edited_row(guard_disabled):
    from tests.factories import UserFactory

    actor = UserFactory()
    events = _write_events(actor, 5)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET target_id = %s WHERE id = %s", ["999", events[2].pk]
        )
    breaks = verify_chain()
    assert [b.seq for b in breaks] == [events[2].seq]
    assert "edited" in breaks[0].reason
    out = StringIO()
    with pytest.raises(CommandError, match=f"first at #{events[2].seq}"):
        call_command("verify_audit", stdout=out)
    assert f"BROKEN at #{events[2].seq}" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_verify_audit_finds_a_deleted_row_and_a_truncated_tail(guard_disabled):
    from tests.factories import UserFactory

    actor = UserFactory()
    events = _write_events(actor, 5)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[4].pk])
    seqs = {b.seq for b in verify_chain()}
    assert events[2].seq in seqs  # gap and broken link after the deleted row
    assert events[4].seq in seqs  # the head still remembers the removed last row


def test_verify_audit_reports_an_intact_chain(member):
    _write_events(member, 2)
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "Audit chain intact" in out.getvalue()


def test_an_event_rolls_back_with_the_change_it_describes(member):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(actor=member, event="test.doomed")
        raise RuntimeError("the change failed")
    assert AuditEvent.objects.count() == before
    assert verify_chain() == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_a_single_line():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's in-memory test database is not shared between threads")
    from tests.factories import UserFactory

    actor = UserFactory()
    errors = []

    def writer():
        try:
            for _ in range(5):
                record_event(actor=actor, event="test.concurrent")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEvent.objects.filter(event="test.concurrent").count() == 40
    assert verify_chain() == []
