"""Safety retention: resolved flags anonymised, quiet support conversations deleted."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kindred.safety.models import (
    Flag,
    FlagReport,
    FlagStatus,
    SupportConversation,
    SupportMessage,
)
from kindred.safety.retention import anonymise_resolved_flags, purge_quiet_support_conversations

CUTOFF_DAYS = 365


def _flag(subject, *, status=FlagStatus.RESOLVED, resolved_days_ago=400, **fields) -> Flag:
    flag = Flag.objects.create(
        subject=subject,
        text="what they wrote",
        outcome_note="moderator's note",
        signals=["rule:plan"],
        context="Grief group",
        source_type="community.post",
        source_id="12",
        level="high",
        status=status,
        outcome="supported" if status == FlagStatus.RESOLVED else "",
        resolved_at=(
            timezone.now() - timedelta(days=resolved_days_ago)
            if status == FlagStatus.RESOLVED
            else None
        ),
        **fields,
    )
    return flag


def _cutoff():
    return timezone.now() - timedelta(days=CUTOFF_DAYS)


def test_old_resolved_flags_lose_their_words_and_people(member, member2, moderator, therapist):
    old = _flag(member, reporter=member2, handed_to=therapist, report_key="community.post:12")
    old.clinicians.add(therapist)
    FlagReport.objects.create(flag=old, reporter=member2, reason="risk", details="I worry")
    conversation = SupportConversation.objects.create(member=member, flag=old)

    assert anonymise_resolved_flags(_cutoff(), 500) == 1

    old.refresh_from_db()
    assert (old.subject_id, old.reporter_id, old.handed_to_id) == (None, None, None)
    assert (old.text, old.outcome_note, old.context, old.source_id) == ("", "", "", "")
    assert old.signals == [] and old.report_key == ""
    assert old.anonymised_at is not None
    # What the safety team counts stays.
    assert (old.level, old.outcome, old.status) == ("high", "supported", FlagStatus.RESOLVED)
    assert old.resolved_at is not None
    assert not FlagReport.objects.filter(flag=old).exists()
    assert not old.clinicians.exists()
    conversation.refresh_from_db()
    assert conversation.flag_id is None


def test_recent_and_open_flags_are_untouched(member):
    recent = _flag(member, resolved_days_ago=300)
    still_open = _flag(member, status=FlagStatus.OPEN)
    Flag.objects.filter(pk=still_open.pk).update(created_at=timezone.now() - timedelta(days=900))
    assert anonymise_resolved_flags(_cutoff(), 500) == 0
    for flag in (recent, still_open):
        flag.refresh_from_db()
        assert flag.subject_id == member.pk and flag.text == "what they wrote"
        assert flag.anonymised_at is None


def test_a_second_run_leaves_anonymised_flags_alone(member, django_assert_max_num_queries):
    for _ in range(5):
        _flag(member)
    assert anonymise_resolved_flags(_cutoff(), 2) == 5
    with django_assert_max_num_queries(1):
        assert anonymise_resolved_flags(_cutoff(), 2) == 0


def test_queries_grow_with_batches_not_flags(member):
    def queries_for(flags: int) -> int:
        for _ in range(flags):
            _flag(member)
        with CaptureQueriesContext(connection) as ctx:
            assert anonymise_resolved_flags(_cutoff(), 500) == flags
        return len(ctx.captured_queries)

    assert queries_for(3) == queries_for(40)


def _conversation(member, *, last_days_ago: int | None, created_days_ago: int = 0):
    conversation = SupportConversation.objects.create(member=member)
    SupportMessage.objects.create(conversation=conversation, sender=member, body="hello")
    SupportConversation.objects.filter(pk=conversation.pk).update(
        created_at=timezone.now() - timedelta(days=created_days_ago),
        last_message_at=(
            timezone.now() - timedelta(days=last_days_ago) if last_days_ago is not None else None
        ),
    )
    return conversation


def test_quiet_support_conversations_go_with_their_messages(member, member2):
    quiet = _conversation(member, last_days_ago=400)
    never_answered = _conversation(member2, last_days_ago=None, created_days_ago=400)
    active = _conversation(member, last_days_ago=10, created_days_ago=600)
    assert purge_quiet_support_conversations(_cutoff(), 500) == 2
    assert list(SupportConversation.objects.all()) == [active]
    assert not SupportMessage.objects.filter(conversation_id__in=[quiet.pk, never_answered.pk])
    assert SupportMessage.objects.filter(conversation=active).count() == 1
    assert purge_quiet_support_conversations(_cutoff(), 500) == 0


def test_an_anonymised_flag_still_opens_for_a_moderator_without_its_words(member, moderator, login):
    flag = _flag(member)
    anonymise_resolved_flags(_cutoff(), 500)
    response = login(moderator).get(reverse("safety_flag", args=[flag.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "what they wrote" not in body and "moderator&#x27;s note" not in body
    assert member.handle not in body
