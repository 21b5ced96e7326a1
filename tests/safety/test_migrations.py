"""Support messages sent before conversations existed land in one conversation per flag."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import UserFactory

BEFORE = [("safety", "0007_support_conversations_report_dedup_handover_ack")]
AFTER = [("safety", "0009_support_messages_belong_to_conversations")]


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():
    # A test here migrates part of the schema back; later tests need all of it.
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_old_support_messages_and_reports_are_backfilled():
    # People are made with today's model: the user table is the same on both sides.
    member = UserFactory(handle="old_member")
    moderator = UserFactory(handle="old_mod", roles=["moderator"])
    reporter = UserFactory(handle="old_reporter")
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Flag = old.get_model("safety", "Flag")
    SupportMessage = old.get_model("safety", "SupportMessage")
    flag = Flag.objects.create(kind="risk", subject_id=member.pk, level="high")
    report = Flag.objects.create(
        kind="report", subject_id=member.pk, reporter_id=reporter.pk, reason="spam"
    )
    long_ago = timezone.now() - timedelta(days=3)
    Flag.objects.filter(pk=report.pk).update(created_at=long_ago)
    for body in ("first", "second"):
        SupportMessage.objects.create(
            flag=flag, sender_id=moderator.pk, recipient_id=member.pk, body=body
        )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    Conversation = new.get_model("safety", "SupportConversation")
    Message = new.get_model("safety", "SupportMessage")
    FlagReport = new.get_model("safety", "FlagReport")
    conversation = Conversation.objects.get()
    assert (conversation.member_id, conversation.flag_id, conversation.staff_id) == (
        member.pk,
        flag.pk,
        moderator.pk,
    )
    assert conversation.side == "team" and conversation.last_message_at is not None
    assert sorted(m.body for m in Message.objects.filter(conversation=conversation)) == [
        "first",
        "second",
    ]
    assert not Message.objects.filter(from_member=True).exists()
    backfilled = FlagReport.objects.get()
    assert (backfilled.flag_id, backfilled.reporter_id, backfilled.reason) == (
        report.pk,
        reporter.pk,
        "spam",
    )
    # Its own time, so it does not count against this hour's limit.
    assert backfilled.created_at < timezone.now() - timedelta(days=2)
