"""The crisis pathway: screen → flag → notify → escalate, every step audited."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.core.models import Notification
from kindred.core.roles import Role
from kindred.safety import actions, support
from kindred.safety.models import Block, Flag, FlagKind, FlagStatus, SafetyPlan, SupportMessage
from kindred.safety.screening import ScreenResult
from tests.factories import UserFactory

HIGH_RISK = "I have the pills ready and I am going to take them all tonight"


@pytest.fixture
def fixed_screen(monkeypatch):
    """Pin the screen's answer so pathway tests do not depend on the model."""

    def pin(level, signals=("plan",), score=0.9):
        monkeypatch.setattr(
            actions, "screen", lambda text, context="": ScreenResult(level, score, signals)
        )

    return pin


def test_a_raised_flag_is_announced_to_moderators_and_support_offered_to_the_writer(
    member, moderator, capture_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = actions.screen_text(
            member, HIGH_RISK, area="community", source_type="community.post", source_id=42
        )
    flag = outcome.flag
    assert flag is not None
    assert capture_events.of_type("flag.raised") == [
        ("role.moderator", {"type": "flag.raised", "id": flag.pk, "level": "high", "kind": "risk"})
    ]
    assert capture_events.of_type("support.offered") == [
        (f"user.{member.pk}", {"type": "support.offered", "level": "high"})
    ]
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_acknowledge(moderator, flag)
    assert capture_events.of_type("flag.updated") == [
        ("role.moderator", {"type": "flag.updated", "id": flag.pk, "status": "acknowledged"})
    ]


def test_a_high_risk_text_raises_a_flag_with_its_context(
    member, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = actions.screen_text(
            member,
            HIGH_RISK,
            area="community",
            source_type="community.post",
            source_id=42,
            context="Grief & loss",
        )
    assert outcome.result.level == "high"
    assert outcome.support is True
    flag = outcome.flag
    assert flag is not None and flag.kind == FlagKind.RISK and flag.status == FlagStatus.OPEN
    assert (flag.subject, flag.source_type, flag.source_id, flag.context) == (
        member,
        "community.post",
        "42",
        "Grief & loss",
    )
    assert Flag.objects.get(pk=flag.pk).text == HIGH_RISK
    assert (
        AuditEvent.objects.filter(event="safety.flag_raised", target_id=str(flag.pk)).count() == 1
    )
    assert Notification.objects.filter(recipient=moderator, kind="safety.flag").count() == 1


def test_the_area_policy_decides_whether_text_is_held(member, fixed_screen):
    fixed_screen("high")
    assert actions.screen_text(member, "x", area="community", source_type="t").hold is True
    assert actions.screen_text(member, "x", area="groups", source_type="t").hold is False
    fixed_screen("moderate")
    assert actions.screen_text(member, "x", area="community", source_type="t").hold is False


def test_low_risk_shows_support_without_a_flag(member, fixed_screen):
    fixed_screen("low", signals=("hopelessness",))
    outcome = actions.screen_text(member, "x", area="community", source_type="t")
    assert outcome.flag is None and outcome.support is True and outcome.hold is False
    assert not Flag.objects.exists()


def test_no_risk_does_nothing(member, fixed_screen):
    fixed_screen("none", signals=())
    outcome = actions.screen_text(member, "lovely walk", area="community", source_type="t")
    assert (outcome.flag, outcome.support, outcome.hold) == (None, False, False)


def test_on_duty_moderators_are_alerted_first(member, moderator, fixed_screen, db):
    other = UserFactory(roles=[Role.MODERATOR], mfa=True)
    actions.do_set_duty(moderator, True)
    fixed_screen("moderate")
    actions.screen_text(member, "x", area="peers", source_type="t")
    assert list(
        Notification.objects.filter(kind="safety.flag").values_list("recipient", flat=True)
    ) == [moderator.pk]
    assert not Notification.objects.filter(recipient=other).exists()


def test_with_nobody_on_duty_every_moderator_is_alerted(member, moderator, fixed_screen):
    other = UserFactory(roles=[Role.MODERATOR], mfa=True)
    fixed_screen("moderate")
    actions.screen_text(member, "x", area="peers", source_type="t")
    assert set(Notification.objects.values_list("recipient", flat=True)) == {moderator.pk, other.pk}


def test_raising_a_flag_schedules_its_escalation(
    member, fixed_screen, django_capture_on_commit_callbacks, monkeypatch
):
    scheduled = []
    monkeypatch.setattr(
        actions, "_schedule_escalation", lambda pk, delay: scheduled.append((pk, delay))
    )
    fixed_screen("high")
    with django_capture_on_commit_callbacks(execute=True):
        flag = actions.screen_text(member, "x", area="groups", source_type="t").flag
    assert scheduled == [(flag.pk, 300)]


def test_an_unacknowledged_high_flag_escalates_after_five_minutes(
    member, staff, fixed_screen, django_capture_on_commit_callbacks
):
    fixed_screen("high")
    flag = actions.screen_text(member, HIGH_RISK, area="groups", source_type="t").flag
    start = flag.created_at
    assert actions.escalate_overdue_flags(now=start + timedelta(minutes=4, seconds=59)) == []
    with django_capture_on_commit_callbacks(execute=True):
        escalated = actions.escalate_overdue_flags(now=start + timedelta(minutes=5))
    assert [f.pk for f in escalated] == [flag.pk]
    flag.refresh_from_db()
    assert flag.escalated_at == start + timedelta(minutes=5)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [staff.email]
    assert "high-risk flag" in mail.outbox[0].subject
    assert HIGH_RISK not in mail.outbox[0].body  # no content leaves by email
    assert Notification.objects.filter(recipient=staff, kind="safety.escalation").count() == 1
    assert AuditEvent.objects.filter(event="safety.flag_escalated", target_id=str(flag.pk)).exists()
    # Escalation happens once, however often the sweep runs.
    assert actions.escalate_overdue_flags(now=start + timedelta(hours=1)) == []


def test_an_acknowledged_flag_does_not_escalate(member, moderator, staff, fixed_screen):
    fixed_screen("high")
    flag = actions.screen_text(member, "x", area="groups", source_type="t").flag
    actions.do_acknowledge(moderator, flag)
    assert actions.escalate_overdue_flags(now=timezone.now() + timedelta(hours=1)) == []
    assert mail.outbox == []


def test_moderate_flags_escalate_on_their_own_clock(member, staff, fixed_screen, settings):
    settings.SAFETY_ESCALATE_AFTER_SECONDS = {"high": 300, "moderate": 1800}
    fixed_screen("moderate")
    flag = actions.screen_text(member, "x", area="groups", source_type="t").flag
    assert actions.escalate_overdue_flags(now=flag.created_at + timedelta(minutes=29)) == []
    assert len(actions.escalate_overdue_flags(now=flag.created_at + timedelta(minutes=30))) == 1


def test_the_escalation_task_escalates_one_flag(member, staff, fixed_screen, monkeypatch):
    from kindred.safety import tasks

    fixed_screen("high")
    flag = actions.screen_text(member, "x", area="groups", source_type="t").flag
    Flag.objects.filter(pk=flag.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    assert tasks.escalate_flag.call_local(flag.pk) is True
    assert tasks.escalate_overdue.call_local() == 0


def test_reaching_out_sends_a_private_message_and_acknowledges(member, moderator, fixed_screen):
    fixed_screen("high")
    flag = actions.screen_text(member, "x", area="groups", source_type="t").flag
    message = support.do_reach_out(moderator, flag, "  Hi, I read what you wrote. I'm here.  ")
    flag.refresh_from_db()
    assert flag.status == FlagStatus.ACKNOWLEDGED
    assert SupportMessage.objects.get(pk=message.pk).body == "Hi, I read what you wrote. I'm here."
    assert message.conversation.member == member and not message.from_member
    assert Notification.objects.filter(recipient=member, kind="safety.message").exists()
    events = list(AuditEvent.objects.filter(target_id=str(flag.pk)).values_list("event", flat=True))
    assert events == ["safety.flag_raised", "safety.flag_acknowledged", "safety.reached_out"]


def test_an_empty_message_is_refused(member, moderator, fixed_screen):
    fixed_screen("high")
    flag = actions.screen_text(member, "x", area="groups", source_type="t").flag
    with pytest.raises(actions.SafetyActionError):
        support.do_reach_out(moderator, flag, "   ")


def test_resolving_records_the_outcome_and_closes_the_flag(member, moderator, fixed_screen):
    fixed_screen("moderate")
    flag = actions.screen_text(member, "x", area="groups", source_type="t").flag
    actions.do_resolve(moderator, flag, "supported", "Talked; she's with her sister tonight.")
    flag.refresh_from_db()
    assert (flag.status, flag.outcome, flag.resolved_by) == (
        FlagStatus.RESOLVED,
        "supported",
        moderator,
    )
    assert AuditEvent.objects.get(event="safety.flag_resolved").changes == {"outcome": "supported"}
    with pytest.raises(actions.SafetyActionError, match="already closed"):
        actions.do_resolve(moderator, flag, "no_action")
    with pytest.raises(actions.SafetyActionError):
        actions.do_resolve(moderator, flag, "made-up")


def test_hand_over_needs_a_treating_therapist(member, moderator, therapist, fixed_screen):
    fixed_screen("high")
    flag = actions.screen_text(member, "x", area="groups", source_type="t").flag
    with pytest.raises(actions.SafetyActionError, match="not treating"):
        actions.do_hand_over(moderator, flag, therapist)


def test_hand_over_to_the_treating_therapist(
    member, moderator, therapist, fixed_screen, monkeypatch
):
    from kindred.accounts.models import User

    monkeypatch.setattr(
        actions, "treating_therapists", lambda m: User.objects.filter(pk=therapist.pk)
    )
    fixed_screen("high")
    flag = actions.screen_text(member, "x", area="groups", source_type="t").flag
    actions.do_hand_over(moderator, flag, therapist)
    flag.refresh_from_db()
    assert (flag.status, flag.handed_to) == (FlagStatus.HANDED_OVER, therapist)
    assert Notification.objects.filter(recipient=therapist, kind="safety.handover").exists()


def test_a_report_about_risk_runs_on_the_high_risk_clock(member, member2, moderator):
    flag = actions.do_report(
        member, reason="risk", details="She said goodbye to everyone", subject=member2
    )
    assert (flag.kind, flag.level, flag.reporter, flag.subject) == (
        FlagKind.REPORT,
        "high",
        member,
        member2,
    )
    assert flag.text == "She said goodbye to everyone"
    assert Notification.objects.filter(recipient=moderator).exists()


def test_reports_need_a_reason_and_cannot_target_oneself(member):
    with pytest.raises(actions.SafetyActionError):
        actions.do_report(member, reason="nonsense", subject=None)
    with pytest.raises(actions.SafetyActionError):
        actions.do_report(member, reason="spam", subject=member)


def test_blocks_are_one_row_per_pair_and_audited(member, member2):
    assert actions.do_block(member, member2) is True
    assert actions.do_block(member, member2) is False
    assert Block.objects.count() == 1
    assert actions.do_unblock(member, member2) is True
    assert actions.do_unblock(member, member2) is False
    assert list(
        AuditEvent.objects.filter(event__startswith="safety.").values_list("event", flat=True)
    ) == [
        "safety.blocked",
        "safety.unblocked",
    ]
    with pytest.raises(actions.SafetyActionError):
        actions.do_block(member, member)


def test_the_safety_plan_is_encrypted_and_only_named_sections_are_kept(member):
    from django.db import connection

    plan = actions.do_save_safety_plan(
        member,
        {
            "warning_signs": ["Not sleeping", "  ", "Skipping meals"],
            "made_up": ["x"],
            "coping_alone": [],
        },
        "My cat, Biscuit",
    )
    plan = SafetyPlan.objects.get(pk=plan.pk)
    assert plan.items("warning_signs") == ["Not sleeping", "Skipping meals"]
    assert "made_up" not in plan.sections
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sections, reasons_for_living FROM safety_safetyplan WHERE id = %s", [plan.pk]
        )
        raw = " ".join(cursor.fetchone())
    assert "Not sleeping" not in raw and "Biscuit" not in raw
    event = AuditEvent.objects.get(event="safety.plan_saved")
    assert event.changes == {"sections": ["warning_signs"]}


def test_hand_over_reaches_the_therapist_the_member_has_booked(
    member, moderator, therapist, therapist2, fixed_screen
):
    from datetime import timedelta

    from django.utils import timezone

    from kindred.bookings.models import Booking

    start = timezone.now() + timedelta(days=2)
    Booking.objects.create(
        therapist=therapist, member=member, starts_at=start, ends_at=start + timedelta(minutes=50)
    )
    assert list(actions.treating_therapists(member)) == [therapist]
    fixed_screen("high")
    flag = actions.screen_text(member, "x", area="groups", source_type="t").flag
    with pytest.raises(actions.SafetyActionError):
        actions.do_hand_over(moderator, flag, therapist2)
    actions.do_hand_over(moderator, flag, therapist)
    flag.refresh_from_db()
    assert flag.handed_to == therapist


def test_blocking_a_facilitator_ends_what_the_member_shared_with_them(
    client, member, facilitator, space
):
    from kindred.groups.actions import do_join
    from kindred.groups.models import GroupFormat
    from tests.care.factories import assert_sharing_ended, share_before_it_ends
    from tests.groups.factories import make_group

    do_join(member, make_group(facilitator, space, format=GroupFormat.COHORT))
    share_before_it_ends(client, member, facilitator)

    actions.do_block(member, facilitator)

    assert_sharing_ended(client, member, facilitator, "blocked")


# --- The database sweep is the source of truth for escalations (#19) -------------------


def test_a_wiped_timer_is_still_escalated_by_the_minute_sweep(
    member, staff, fixed_screen, django_capture_on_commit_callbacks
):
    from huey.contrib.djhuey import HUEY

    from kindred.safety import tasks

    HUEY.flush()
    fixed_screen("high")
    with django_capture_on_commit_callbacks(execute=True):
        flag = actions.screen_text(member, "x", area="groups", source_type="t").flag
    assert [t.args for t in HUEY.scheduled()] == [(flag.pk,)]  # the timer is set
    HUEY.flush()  # Redis restarted: the timer is gone
    Flag.objects.filter(pk=flag.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    assert tasks.escalate_overdue.call_local() == 1
    flag.refresh_from_db()
    assert flag.escalated_at is not None
    assert Notification.objects.filter(recipient=staff, kind="safety.escalation").count() == 1


def test_a_timer_that_cannot_be_set_does_not_fail_the_write(
    member, fixed_screen, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    from kindred.safety import tasks

    def queue_down(*args, **kwargs):
        raise ConnectionError("redis down")

    monkeypatch.setattr(tasks.escalate_flag, "schedule", queue_down)
    fixed_screen("high")
    with django_capture_on_commit_callbacks(execute=True):
        flag = actions.screen_text(member, "x", area="groups", source_type="t").flag
    assert Flag.objects.filter(pk=flag.pk, status=FlagStatus.OPEN).exists()
    assert "the minute sweep will escalate it" in caplog.text
