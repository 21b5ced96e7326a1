"""Every safety page as anonymous, wrong user, wrong role and right user."""

import re

import pytest
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.safety import actions, support
from kindred.safety.models import Block, Flag, FlagStatus, SafetyPlan, SupportMessage

HIGH_RISK = "I have the pills ready and I am going to take them all tonight"


@pytest.fixture
def flag(member):
    return actions.screen_text(
        member, HIGH_RISK, area="groups", source_type="groups.message", context="Tuesday group"
    ).flag


# --- Moderators' queue and flags ------------------------------------------------


@pytest.mark.parametrize(
    "persona",
    ["member", "member2", "peer_supporter", "facilitator", "therapist", "staff"],
    indirect=True,
)
def test_non_moderators_never_see_the_queue(login, persona, flag):
    client = login(persona)
    assert client.get(reverse("safety_queue")).status_code == 404
    assert client.get(reverse("safety_flag", args=[flag.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, flag):
    for url in (
        reverse("safety_queue"),
        reverse("safety_flag", args=[flag.pk]),
        reverse("safety_plan"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_moderators_see_the_queue_ordered_by_severity(
    login, moderator, member, flag, django_assert_max_num_queries
):
    actions.do_report(member, reason="spam", details="ads", subject=None)
    client = login(moderator)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("safety_queue"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index(f"Open flag #{flag.pk}") < body.index("Report by a member")
    assert "escalates in" in body
    assert HIGH_RISK not in body  # the text is shown on the flag page only


def test_the_queue_query_count_does_not_grow_with_flags(
    login, moderator, member, django_assert_max_num_queries
):
    for _ in range(15):
        actions.screen_text(member, HIGH_RISK, area="groups", source_type="t")
    client = login(moderator)
    with django_assert_max_num_queries(10):
        client.get(reverse("safety_queue"))


def test_a_moderator_reads_a_flag_and_the_read_is_audited(login, moderator, flag):
    response = login(moderator).get(reverse("safety_flag", args=[flag.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert HIGH_RISK in body and "Tuesday group" in body and "means" in body
    assert flag.subject.legal_name not in body  # moderators see handles, never legal names
    assert AuditEvent.objects.filter(event="safety.flag.read", actor_id=moderator.pk).count() == 1


def test_a_missing_flag_looks_like_a_forbidden_one(login, moderator, member, flag):
    missing = login(moderator).get(reverse("safety_flag", args=[flag.pk + 999]))
    assert missing.status_code == 404
    forbidden = login(member).get(reverse("safety_flag", args=[flag.pk]))
    assert forbidden.status_code == 404


def test_moderator_actions_through_the_page(login, moderator, member, flag):
    client = login(moderator)
    base = reverse("safety_flag", args=[flag.pk])
    assert client.post(base + "acknowledge/").status_code == 302
    client.post(base + "reach-out/", {"body": "We're here for you."})
    client.post(base + "resolve/", {"outcome": "supported", "note": ""})
    flag.refresh_from_db()
    assert flag.status == FlagStatus.RESOLVED
    message = SupportMessage.objects.get()
    assert (message.body, message.conversation.member) == ("We're here for you.", member)


def test_an_invalid_action_form_keeps_what_the_moderator_wrote(login, moderator, flag):
    client = login(moderator)
    response = client.post(
        reverse("safety_flag", args=[flag.pk]) + "resolve/",
        {"outcome": "", "note": "My careful note"},
    )
    assert response.status_code == 422
    assert "My careful note" in response.content.decode()


def test_members_cannot_act_on_flags(login, member, member2, flag):
    response = login(member2).post(reverse("safety_flag", args=[flag.pk]) + "acknowledge/")
    # The role gate answers before the view: the same 404 as a missing page.
    assert response.status_code == 404
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


def test_staff_see_escalated_flags_under_their_own_area(login, staff, flag):
    response = login(staff).get(reverse("staff_flag", args=[flag.pk]))
    assert response.status_code == 200


def test_a_therapist_sees_only_flags_handed_to_them(
    login, therapist, therapist2, moderator, flag, monkeypatch
):
    from kindred.accounts.models import User

    assert login(therapist).get(reverse("therapist_flag", args=[flag.pk])).status_code == 404
    monkeypatch.setattr(
        actions, "treating_therapists", lambda m: User.objects.filter(pk=therapist.pk)
    )
    actions.do_hand_over(moderator, flag, therapist)
    assert login(therapist).get(reverse("therapist_flag", args=[flag.pk])).status_code == 200
    assert login(therapist2).get(reverse("therapist_flag", args=[flag.pk])).status_code == 404


def test_duty_toggle(login, moderator):
    client = login(moderator)
    client.post(reverse("safety_duty"), {"on_duty": "1"})
    assert moderator.duty.on_duty is True
    assert (
        "You are <strong>on duty</strong>" in client.get(reverse("safety_queue")).content.decode()
    )


# --- Safety plan -----------------------------------------------------------------


def test_a_member_writes_and_reads_their_plan(login, member):
    client = login(member)
    assert "You have not written a plan yet" in client.get(reverse("safety_plan")).content.decode()
    response = client.post(
        reverse("safety_plan_edit"),
        {
            "warning_signs": "Not sleeping\nSkipping meals",
            "people_to_ask": "Jo 07700 900123",
            "reasons_for_living": "Biscuit",
        },
    )
    assert response.status_code == 302
    body = client.get(reverse("safety_plan")).content.decode()
    for text in ("Not sleeping", "Skipping meals", "Biscuit", "Samaritans"):
        assert text in body
    assert 'Jo <a href="tel:07700900123" class="tel">07700 900123</a>' in body


def test_the_printed_plan_leaves_out_the_pages_controls(login, member):
    """Print view: the plan, reasons and crisis lines print; editing links, the print
    button and the empty-plan prompt carry ``no-print``, which the print CSS hides."""
    from pathlib import Path

    import kindred

    html = login(member).get(reverse("safety_plan")).content.decode()
    assert '<p class="no-print">You have not written a plan yet.' in html
    assert 'class="no-print"' in html.split("data-print")[0].rsplit("<p", 1)[1]
    css = (Path(kindred.__file__).parent / "static/kindred/site.css").read_text()
    rules = css.split("@media print {", 1)[1].split("\n}", 1)[0]
    assert ".no-print" in rules and ".site-header" in rules and "a.tel" in rules


def test_plan_text_around_a_number_is_still_escaped(login, member):
    actions.do_save_safety_plan(member, {"people_to_ask": ["<b>Al</b> +44 7700 900456"]})
    body = login(member).get(reverse("safety_plan")).content.decode()
    assert "&lt;b&gt;Al&lt;/b&gt; " in body and "<b>Al</b>" not in body
    assert '<a href="tel:+447700900456" class="tel">+44 7700 900456</a>' in body


def test_the_plan_editor_keeps_input_when_something_is_too_long(login, member):
    response = login(member).post(
        reverse("safety_plan_edit"), {"warning_signs": "Keep me", "coping_alone": "x" * 6000}
    )
    assert response.status_code == 422
    assert "Keep me" in response.content.decode()
    assert not SafetyPlan.objects.exists()


def test_nobody_else_can_read_a_plan(login, member, member2, therapist, moderator):
    actions.do_save_safety_plan(member, {"warning_signs": ["Private sign"]})
    for other in (member2, therapist, moderator):
        assert "Private sign" not in login(other).get(reverse("safety_plan")).content.decode()


# --- Messages, reports, blocks ----------------------------------------------------


def test_support_messages_are_private_to_their_recipient(login, member, member2, moderator, flag):
    message = support.do_reach_out(moderator, flag, "Checking in on you")
    inbox = login(member).get(reverse("safety_messages")).content.decode()
    assert "The Kindred support team" in inbox and "1 new" in inbox
    thread = reverse("safety_conversation", args=[message.conversation_id])
    assert "Checking in on you" in login(member).get(thread).content.decode()
    assert SupportMessage.objects.get().read_at is not None
    assert "No messages." in login(member2).get(reverse("safety_messages")).content.decode()
    assert login(member2).get(thread).status_code == 404


def test_reporting_a_person_lands_in_the_queue(login, member, member2):
    response = login(member).post(
        reverse("safety_report"),
        {"handle": member2.handle, "reason": "harassment", "details": "keeps messaging me"},
    )
    assert response.status_code == 302
    flag = Flag.objects.get()
    assert (flag.subject, flag.reporter, flag.reason) == (member2, member, "harassment")


def test_a_report_without_a_reason_keeps_the_details(login, member, member2):
    response = login(member).post(
        reverse("safety_report"), {"handle": member2.handle, "details": "what I typed"}
    )
    assert response.status_code == 422
    assert "what I typed" in response.content.decode()
    assert not Flag.objects.exists()


def test_reporting_an_unknown_person_is_a_form_error(login, member):
    response = login(member).post(
        reverse("safety_report"), {"handle": "nobody_here", "reason": "spam"}
    )
    assert response.status_code == 422
    assert "could not find that person" in response.content.decode()


def test_unknown_content_types_cannot_be_reported(login, member):
    response = login(member).post(
        reverse("safety_report"), {"source_type": "nope.thing", "source_id": "1", "reason": "spam"}
    )
    assert response.status_code == 422
    assert "could not find that content" in response.content.decode()


def test_blocking_and_unblocking(login, member, member2):
    client = login(member)
    assert (
        client.post(reverse("safety_blocks"), {"handle": member2.handle.upper()}).status_code == 302
    )
    assert Block.objects.filter(blocker=member, blocked=member2).exists()
    assert member2.handle in client.get(reverse("safety_blocks")).content.decode()
    assert client.post(reverse("safety_unblock", args=[member2.handle])).status_code == 302
    assert not Block.objects.exists()
    assert client.post(reverse("safety_unblock", args=[member2.handle])).status_code == 404


def test_blocking_oneself_or_nobody_is_a_form_error(login, member):
    client = login(member)
    assert (
        "cannot block yourself"
        in client.post(reverse("safety_blocks"), {"handle": member.handle}).content.decode()
    )
    assert (
        "could not find anyone"
        in client.post(reverse("safety_blocks"), {"handle": "ghost"}).content.decode()
    )


def test_member_pages_need_login(client):
    for name in (
        "safety_plan",
        "safety_plan_edit",
        "safety_messages",
        "safety_report",
        "safety_blocks",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name


def test_the_queue_filters_by_scope(login, moderator, member):
    actions.screen_text(
        member, HIGH_RISK, area="community", source_type="t", scope="community:grief-loss"
    )
    actions.screen_text(member, HIGH_RISK, area="groups", source_type="t", scope="groups:tuesday")
    client = login(moderator)
    body = client.get(reverse("safety_queue"), {"scope": "community:grief-loss"}).content.decode()
    assert len(re.findall(r">Open flag #\d+</a>", body)) == 1
    assert '<option value="groups:tuesday">' in body
    every = client.get(reverse("safety_queue")).content.decode()
    assert len(re.findall(r">Open flag #\d+</a>", every)) == 2


# --- Releasing held content from the flag page ------------------------------------


@pytest.fixture
def held_message(settings, member):
    """A room message held by its kind's policy, and the flag it raised."""
    from kindred.rooms.actions import do_post_message
    from tests.rooms.factories import install_test_kind, make_room, uninstall_test_kind

    settings.SAFETY_POLICIES = {
        **settings.SAFETY_POLICIES,
        "testholding": {"moderate": "show", "high": "hold"},
    }
    kind = install_test_kind()
    kind.area = "testholding"
    try:
        message = do_post_message(make_room(kind, member), member, HIGH_RISK)
        assert message.is_held
        yield message
    finally:
        uninstall_test_kind()


def _flag_for(source_type, source_id):
    return Flag.objects.get(source_type=source_type, source_id=str(source_id))


def test_release_needs_a_moderator_who_may_act_on_the_flag(
    client, login, member, member2, therapist, held_message
):
    from kindred.rooms.models import RoomMessage

    flag = _flag_for("rooms.message", held_message.pk)
    url = reverse("safety_flag_action", args=[flag.pk, "release"])
    anonymous = client.post(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert login(member2).post(url).status_code == 404
    # Even the writer: a member never acts on a flag.
    assert login(member).post(url).status_code == 404
    # A therapist reads only flags handed to them, and acts on none.
    assert login(therapist).post(url).status_code == 404
    assert RoomMessage.objects.get(pk=held_message.pk).is_held
    assert not AuditEvent.objects.filter(event="safety.flag_content_released").exists()


def test_a_missing_flag_cannot_be_released(login, moderator, held_message):
    flag = _flag_for("rooms.message", held_message.pk)
    url = reverse("safety_flag_action", args=[flag.pk + 999, "release"])
    assert login(moderator).post(url).status_code == 404


def test_a_moderator_releases_a_held_room_message_from_the_flag(login, moderator, held_message):
    from kindred.rooms.models import RoomMessage

    flag = _flag_for("rooms.message", held_message.pk)
    page = reverse("safety_flag", args=[flag.pk])
    client = login(moderator)
    body = client.get(page).content.decode()
    assert "This room message is held: only its writer sees it." in body
    assert 'action="release/"' in body and "Release to the room" in body

    response = client.post(page + "release/", follow=True)
    assert response.redirect_chain == [(page, 302)]
    body = response.content.decode()
    assert "Released. Everyone in the room can see it now." in body
    assert 'action="release/"' not in body  # nothing held any more
    assert "safety.flag_content_released" in body  # in the flag's history
    message = RoomMessage.objects.get(pk=held_message.pk)
    assert not message.is_held and message.seq == held_message.seq + 1
    assert (
        AuditEvent.objects.filter(event="rooms.message_released", actor_id=moderator.pk).count()
        == 1
    )
    assert (
        AuditEvent.objects.filter(
            event="safety.flag_content_released",
            actor_id=moderator.pk,
            target_type="safety.flag",
            target_id=str(flag.pk),
        ).count()
        == 1
    )


def test_releasing_twice_is_a_clear_error_not_a_500(login, moderator, held_message):
    from kindred.rooms.models import RoomMessage

    flag = _flag_for("rooms.message", held_message.pk)
    url = reverse("safety_flag_action", args=[flag.pk, "release"])
    client = login(moderator)
    client.post(url)
    seq = RoomMessage.objects.get(pk=held_message.pk).seq
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "Nothing from this flag is held any more" in response.content.decode()
    assert RoomMessage.objects.get(pk=held_message.pk).seq == seq
    assert AuditEvent.objects.filter(event="rooms.message_released").count() == 1
    assert AuditEvent.objects.filter(event="safety.flag_content_released").count() == 1


def test_staff_release_from_their_own_flag_page(login, staff, held_message):
    from kindred.rooms.models import RoomMessage

    flag = _flag_for("rooms.message", held_message.pk)
    page = reverse("staff_flag", args=[flag.pk])
    client = login(staff)
    assert "Release to the room" in client.get(page).content.decode()
    assert client.post(page + "release/").status_code == 302
    assert not RoomMessage.objects.get(pk=held_message.pk).is_held


def test_the_release_button_shows_only_for_held_items_on_open_flags(
    login, moderator, flag, held_message
):
    client = login(moderator)
    # A flag whose source is not held content (and not registered): no release.
    body = client.get(reverse("safety_flag", args=[flag.pk])).content.decode()
    assert 'action="release/"' not in body and "is held" not in body
    response = client.post(reverse("safety_flag_action", args=[flag.pk, "release"]), follow=True)
    assert "Nothing from this flag is held any more" in response.content.decode()
    # A resolved flag: the decision about the content is made, so no release either.
    held_flag = _flag_for("rooms.message", held_message.pk)
    actions.do_resolve(moderator, held_flag, "content_removed")
    page = reverse("safety_flag", args=[held_flag.pk])
    assert 'action="release/"' not in client.get(page).content.decode()
    response = client.post(page + "release/", follow=True)
    assert "This flag is already closed." in response.content.decode()


def test_a_held_item_costs_the_flag_page_two_queries_at_most(login, moderator, flag, held_message):
    """One for "is it held?" (release), one for "where is it, is it hidden?" (hide)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(moderator)
    held_flag = _flag_for("rooms.message", held_message.pk)
    client.get(reverse("safety_flag", args=[flag.pk]))  # warm the session and the user
    with CaptureQueriesContext(connection) as plain:
        client.get(reverse("safety_flag", args=[flag.pk]))
    with CaptureQueriesContext(connection) as with_held:
        client.get(reverse("safety_flag", args=[held_flag.pk]))
    assert len(with_held) <= len(plain) + 2


def test_a_held_post_is_released_from_its_flag(login, member, moderator, space, write):
    post = write(member, space, title="tonight", body=HIGH_RISK).posts.get()
    assert post.is_held
    flag = _flag_for("community.post", post.pk)
    page = reverse("safety_flag", args=[flag.pk])
    client = login(moderator)
    body = client.get(page).content.decode()
    assert "This post is held: only its writer sees it." in body
    assert ">Release</button>" in body
    response = client.post(page + "release/", follow=True)
    assert "Released: others can see it now." in response.content.decode()
    post.refresh_from_db()
    assert not post.is_held and not post.thread.is_held
    assert AuditEvent.objects.filter(event="community.post_released").count() == 1
    assert AuditEvent.objects.filter(event="safety.flag_content_released").count() == 1


def test_a_moderator_outside_a_spaces_named_moderators_cannot_release(
    login, member, moderator, space, write
):
    from kindred.community.models import Post
    from tests.factories import UserFactory

    named = UserFactory(handle="mod_named", roles=["moderator"], mfa=True)
    space.moderators.add(named)
    post = write(member, space, title="tonight", body=HIGH_RISK).posts.get()
    flag = _flag_for("community.post", post.pk)
    url = reverse("safety_flag_action", args=[flag.pk, "release"])
    assert login(moderator).post(url).status_code == 404
    assert Post.objects.get(pk=post.pk).is_held
    assert not AuditEvent.objects.filter(event="safety.flag_content_released").exists()
    assert login(named).post(url).status_code == 302
    assert not Post.objects.get(pk=post.pk).is_held


def test_a_nul_in_report_details_is_a_form_error_keeping_the_rest(login, member, member2):
    response = login(member).post(
        reverse("safety_report"),
        {"handle": member2.handle, "reason": "harassment", "details": "keeps\x00 messaging me"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Null characters are not allowed" in body and "messaging me" in body
    assert not Flag.objects.exists()


def test_a_hand_over_to_a_malformed_therapist_id_is_refused(login, moderator, member, therapist):
    from datetime import timedelta

    from django.utils import timezone

    from kindred.bookings.models import Booking

    start = timezone.now() + timedelta(days=2)
    Booking.objects.create(
        therapist=therapist, member=member, starts_at=start, ends_at=start + timedelta(minutes=50)
    )
    text = "I have the pills ready and I am going to take them all tonight"
    flag = actions.screen_text(member, text, area="groups", source_type="groups.message").flag
    url = reverse("safety_flag", args=[flag.pk]) + "hand-over/"
    for bad in ("x\x00", "x", "99999999999999999999"):
        response = login(moderator).post(url, {"therapist": bad}, follow=True)
        assert response.status_code == 200
        assert "Choose one of the member" in response.content.decode()
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN
