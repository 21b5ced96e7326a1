"""A flag handed over to the member's treating therapist: the therapist's own actions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.bookings.models import Booking, BookingStatus
from kindred.core.access import NotFound
from kindred.core.models import Notification
from kindred.core.roles import Role
from kindred.messaging.models import Conversation, Message
from kindred.safety import actions
from kindred.safety.access import access_handed_over_flag
from kindred.safety.models import Flag, FlagOutcome, FlagStatus
from tests.factories import UserFactory

HIGH_RISK = "I have the pills ready and I am going to take them all tonight"


@pytest.fixture
def booking(member, therapist):
    start = timezone.now() + timedelta(days=2)
    return Booking.objects.create(
        therapist=therapist, member=member, starts_at=start, ends_at=start + timedelta(minutes=50)
    )


@pytest.fixture
def flag(member, moderator, therapist, booking):
    flag = actions.screen_text(member, HIGH_RISK, area="groups", source_type="groups.message").flag
    return actions.do_hand_over(moderator, flag, therapist)


def _url(flag, action=""):
    page = reverse("therapist_flag", args=[flag.pk])
    return page + (f"{action}/" if action else "")


def test_the_therapist_sees_their_actions_on_the_handed_over_flag(login, therapist, flag):
    body = login(therapist).get(_url(flag)).content.decode()
    assert "Your client may be at risk" in body
    for action in ("acknowledge", "message", "resolve"):
        assert f'action="{action}/"' in body
    # Not a moderator: none of the moderators' tools.
    assert 'action="hand-over/"' not in body and 'action="reach-out/"' not in body
    assert 'value="content_removed"' not in body  # not the therapist's decision


def test_acknowledging_tells_the_safety_team(login, therapist, moderator, flag):
    client = login(therapist)
    response = client.post(_url(flag, "acknowledge"), follow=True)
    assert "Acknowledged. The safety team can see you have it." in response.content.decode()
    flag.refresh_from_db()
    assert flag.status == FlagStatus.HANDED_OVER and flag.handover_acknowledged_at is not None
    event = AuditEvent.objects.get(event="safety.handover_acknowledged")
    assert (event.actor_id, event.target_id) == (therapist.pk, str(flag.pk))
    moderators_page = login(moderator).get(reverse("safety_flag", args=[flag.pk]))
    assert "acknowledged at" in moderators_page.content.decode()
    again = login(therapist).post(_url(flag, "acknowledge"), follow=True)
    assert "You have acknowledged this already." in again.content.decode()
    assert AuditEvent.objects.filter(event="safety.handover_acknowledged").count() == 1


def test_messaging_the_member_uses_their_secure_conversation(login, member, therapist, flag):
    response = login(therapist).post(
        _url(flag, "message"), {"body": "I saw the alert. Can we talk today?"}
    )
    assert response.status_code == 302 and response["Location"] == _url(flag)
    conversation = Conversation.objects.get(member=member, therapist=therapist)
    message = Message.objects.get(conversation=conversation)
    assert (message.sender, message.body) == (therapist, "I saw the alert. Can we talk today?")
    assert Notification.objects.filter(recipient=member, kind="messaging.message").exists()
    event = AuditEvent.objects.get(event="safety.handover_messaged")
    assert event.changes == {"conversation": conversation.pk, "message": message.pk}
    assert AuditEvent.objects.filter(event="messaging.message_sent").count() == 1
    flag.refresh_from_db()
    assert flag.handover_acknowledged_at is not None  # writing to them is having it


def test_a_message_that_cannot_be_sent_keeps_the_therapists_text(login, therapist, flag):
    typed = "w" * 5001
    response = login(therapist).post(_url(flag, "message"), {"body": typed})
    assert response.status_code == 422
    body = response.content.decode()
    assert typed in body and "at most 5,000 characters" in body
    assert not Message.objects.exists()
    assert not AuditEvent.objects.filter(event="safety.handover_messaged").exists()


def test_after_treatment_ends_the_therapist_cannot_message_but_keeps_the_text(
    login, therapist, flag, booking
):
    Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.CANCELLED)
    response = login(therapist).post(_url(flag, "message"), {"body": "Are you okay?"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "not treating this member any more" in body and "Are you okay?" in body
    assert not Message.objects.exists()


def test_resolving_with_an_outcome_closes_the_flag(login, therapist, flag):
    client = login(therapist)
    response = client.post(
        _url(flag, "resolve"), {"outcome": "therapist", "note": "Seen in session today."}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert (flag.status, flag.outcome, flag.resolved_by) == (
        FlagStatus.RESOLVED,
        FlagOutcome.THERAPIST,
        therapist,
    )
    assert flag.outcome_note == "Seen in session today."
    event = AuditEvent.objects.get(event="safety.flag_resolved")
    assert (event.actor_id, event.changes) == (therapist.pk, {"outcome": "therapist"})
    body = client.get(_url(flag)).content.decode()
    assert 'action="resolve/"' not in body  # done: the page is a record again
    late = client.post(_url(flag, "acknowledge"), follow=True)
    assert "This flag is already closed." in late.content.decode()


def test_an_outcome_that_is_not_the_therapists_is_a_form_error(login, therapist, flag):
    response = login(therapist).post(
        _url(flag, "resolve"), {"outcome": "content_removed", "note": "my careful note"}
    )
    assert response.status_code == 422
    assert "my careful note" in response.content.decode()
    flag.refresh_from_db()
    assert flag.status == FlagStatus.HANDED_OVER
    with pytest.raises(actions.SafetyActionError):
        actions.do_resolve_handover(flag.handed_to, flag, "content_removed")


def test_an_unknown_action_is_not_found(login, therapist, flag):
    assert login(therapist).post(_url(flag, "hand-over")).status_code == 404


@pytest.mark.parametrize(
    "persona",
    ["anonymous", "member", "member2", "therapist2", "moderator", "staff", "facilitator"],
    indirect=True,
)
@pytest.mark.parametrize("action", ["acknowledge", "message", "resolve"])
def test_only_the_therapist_it_was_handed_to_acts(login, persona, action, flag):
    data = {"body": "hello", "outcome": "supported"}
    response = login(persona).post(_url(flag, action), data)
    if persona is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        # Members, moderators and staff hit the therapist area's role gate; another
        # therapist gets the same 404 as for a missing flag.
        assert response.status_code == 404
    flag.refresh_from_db()
    assert flag.status == FlagStatus.HANDED_OVER and flag.handover_acknowledged_at is None
    assert not Message.objects.exists()


def test_a_therapist_without_a_second_factor_is_sent_to_set_it_up(client, member, moderator):
    therapist = UserFactory(handle="dr_nomfa", roles=[Role.THERAPIST])
    flag = actions.screen_text(member, HIGH_RISK, area="groups", source_type="t").flag
    Flag.objects.filter(pk=flag.pk).update(status=FlagStatus.HANDED_OVER, handed_to=therapist)
    client.force_login(therapist)
    response = client.post(_url(flag, "acknowledge"))
    assert response.status_code == 302 and "/2fa/" in response["Location"]
    flag.refresh_from_db()
    assert flag.handover_acknowledged_at is None
    with pytest.raises(NotFound):
        access_handed_over_flag(therapist, flag.pk)


def test_a_missing_flag_looks_like_someone_elses(login, therapist, flag):
    missing = reverse("therapist_flag_action", args=[flag.pk + 9, "acknowledge"])
    assert login(therapist).post(missing).status_code == 404


def test_moderators_no_longer_act_on_a_handed_over_flag(login, moderator, flag):
    body = login(moderator).get(reverse("safety_flag", args=[flag.pk])).content.decode()
    assert "not acknowledged yet" in body
    assert 'action="resolve/"' not in body
