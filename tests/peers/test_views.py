"""The /peers/ pages: every page as every kind of person, forms, private declines."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.peers import actions
from kindred.peers.models import ConnectionStatus, PeerProfile
from kindred.safety.models import Block, Flag
from tests.peers.factories import connect, connected, make_member, make_profile, make_supporter

pytestmark = pytest.mark.django_db

OWN_PAGES = [
    "peers_home",
    "peers_profile",
    "peers_profile_edit",
    "peers_profile_delete",
    "peers_suggestions",
    "peers_connections",
]
PROFILE_FORM = {
    "tags": ["bereavement.parent"],
    "story": "My mum died in the spring.",
    "seeks": "support",
    "languages": ["en"],
    "timezone": "Europe/London",
    "availability": ["mon_evening"],
    "gender": "",
    "age_range": "",
    "is_listed": "on",
}


@pytest.mark.parametrize("name", OWN_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", OWN_PAGES)
@pytest.mark.parametrize("persona", ["therapist", "moderator", "staff"], indirect=True)
def test_accounts_without_a_peer_role_get_not_found(login, persona, name):
    assert login(persona).get(reverse(name)).status_code == 404


@pytest.mark.parametrize("name", OWN_PAGES)
def test_members_reach_their_own_pages(login, member, name):
    make_profile(member)
    assert login(member).get(reverse(name)).status_code == 200


def test_a_new_member_fills_in_the_form_and_sees_their_profile(login, member):
    client = login(member)
    assert client.get(reverse("peers_profile")).status_code == 302
    page = client.get(reverse("peers_profile_edit"))
    assert b"Your story" in page.content and b"caseload" not in page.content.lower()
    response = client.post(reverse("peers_profile_edit"), PROFILE_FORM)
    assert response.status_code == 302
    profile = PeerProfile.objects.get(user=member)
    assert profile.tag_ids == ["bereavement.parent"] and profile.story.startswith("My mum")
    shown = client.get(reverse("peers_profile"))
    assert b"Losing a parent" in shown.content


def test_the_profile_names_languages_instead_of_codes(login, member):
    client = login(member)
    client.post(reverse("peers_profile_edit"), {**PROFILE_FORM, "languages": ["es", "bsl"]})
    shown = client.get(reverse("peers_profile")).content.decode()
    assert "<dd>Spanish, British Sign Language</dd>" in shown


def test_a_form_error_keeps_what_was_typed(login, member):
    data = {**PROFILE_FORM, "languages": [], "story": "Kept words"}
    response = login(member).post(reverse("peers_profile_edit"), data)
    assert response.status_code == 422
    assert b"Kept words" in response.content
    assert not PeerProfile.objects.filter(user=member).exists()


def test_a_bad_choice_is_a_form_error_not_a_crash(login, member):
    data = {**PROFILE_FORM, "tags": ["nope"], "timezone": "Mars/Base"}
    assert login(member).post(reverse("peers_profile_edit"), data).status_code == 422


def test_a_risky_story_shows_crisis_resources_once(login, member):
    data = {
        **PROFILE_FORM,
        "story": "I have the pills ready and I am going to take them all tonight",
    }
    client = login(member)
    response = client.post(reverse("peers_profile_edit"), data, follow=True)
    assert b"support-panel" in response.content
    assert Flag.objects.filter(subject=member).exists()
    assert b"support-panel" not in client.get(reverse("peers_profile")).content


def test_supporters_set_a_caseload_and_see_expired_training(login, peer_supporter):
    client = login(peer_supporter)
    client.post(
        reverse("peers_profile_edit"),
        {**PROFILE_FORM, "seeks": "give_support", "caseload_limit": "4"},
    )
    assert PeerProfile.objects.get(user=peer_supporter).caseload_limit == 4
    today = timezone.localdate()
    response = client.post(
        reverse("peers_training_add"),
        {
            "name": "Peer support certificate",
            "completed_on": (today - timedelta(days=900)).isoformat(),
            "expires_on": (today - timedelta(days=10)).isoformat(),
        },
        follow=True,
    )
    assert b"Expired" in response.content


def test_members_cannot_add_training(login, member):
    make_profile(member)
    response = login(member).post(
        reverse("peers_training_add"), {"name": "x", "completed_on": "2024-01-01"}
    )
    assert response.status_code == 404


def test_deleting_the_profile_through_the_page(login, member):
    make_profile(member, story="Private words")
    client = login(member)
    assert client.post(reverse("peers_profile_delete")).status_code == 302
    assert not PeerProfile.objects.filter(user=member).exists()


def test_suggestions_show_the_explanation_and_send_a_request(login, member):
    make_profile(member, tags=["bereavement.parent"], availability=["mon_evening"])
    supporter = make_supporter("helper_hana", availability=["mon_evening"])
    client = login(member)
    page = client.get(reverse("peers_suggestions"))
    assert b"helper_hana" in page.content and "“Losing a parent”".encode() in page.content
    response = client.post(reverse("peers_request", args=[supporter.pk]), {"note": "Hi!"})
    conn = member.peer_requests_sent.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "peers_connection", args=[conn.pk]
    )


def test_hiding_from_the_page(login, member):
    make_profile(member)
    supporter = make_supporter("hidden_hal")
    client = login(member)
    client.post(reverse("peers_hide", args=[supporter.pk]))
    assert b"hidden_hal" not in client.get(reverse("peers_suggestions")).content


def test_requesting_someone_you_cannot_reach_is_not_found(login, member):
    make_profile(member)
    blocked = make_supporter()
    Block.objects.create(blocker=blocked, blocked=member)
    assert login(member).post(reverse("peers_request", args=[blocked.pk])).status_code == 404
    assert login(member).post(reverse("peers_request", args=[999999])).status_code == 404


def test_the_requester_never_sees_declined(login, member):
    supporter = make_supporter()
    make_profile(member)
    conn = connect(member, supporter)
    actions.do_decline(supporter, conn)
    for url in (reverse("peers_connection", args=[conn.pk]), reverse("peers_connections")):
        page = login(member).get(url).content.lower()
        assert b"not available" in page and b"declined" not in page
    assert b"You declined" in login(supporter).get(reverse("peers_connections")).content


@pytest.mark.parametrize(
    "action", ["accept", "decline", "withdraw", "end", "block", "rate", "report"]
)
def test_a_third_person_cannot_touch_a_connection(login, member, member2, action):
    supporter = make_supporter()
    make_profile(member)
    conn = connect(member, supporter)
    client = login(member2)
    assert client.get(reverse("peers_connection", args=[conn.pk])).status_code == 404
    url = (
        reverse(f"peers_{action}", args=[conn.pk])
        if action in ("rate", "report")
        else reverse("peers_connection_action", args=[conn.pk, action])
    )
    assert client.post(url, {"stars": "5", "reason": "spam"}).status_code == 404
    conn.refresh_from_db()
    assert conn.status == ConnectionStatus.PENDING


@pytest.mark.parametrize("persona", ["moderator", "therapist"], indirect=True)
def test_moderators_and_therapists_cannot_read_a_connection(login, member, persona):
    conn = connected(make_member(seeks="both"), make_supporter())
    assert login(persona).get(reverse("peers_connection", args=[conn.pk])).status_code == 404


def test_the_recipient_accepts_and_both_reach_the_chat(login, member):
    supporter = make_supporter()
    make_profile(member)
    conn = connect(member, supporter, note="Hello from Maya")
    client = login(supporter)
    page = client.get(reverse("peers_connection", args=[conn.pk]))
    assert b"Hello from Maya" in page.content
    client.post(reverse("peers_connection_action", args=[conn.pk, "accept"]))
    conn.refresh_from_db()
    assert conn.status == ConnectionStatus.ACTIVE
    assert login(member).get(reverse("peers_connection", args=[conn.pk])).status_code == 200


def test_accepting_beyond_the_caseload_shows_the_reason(login):
    supporter = make_supporter(caseload_limit=1)
    connected(make_member(), supporter)
    extra = make_member()
    # Asked before the caseload filled up.
    conn = actions.Connection.objects.create(
        requester=extra, recipient=supporter, supporter=supporter
    )
    response = login(supporter).post(
        reverse("peers_connection_action", args=[conn.pk, "accept"]), follow=True
    )
    assert b"caseload is full" in response.content
    conn.refresh_from_db()
    assert conn.status == ConnectionStatus.PENDING


def test_unknown_actions_are_not_found(login, member):
    conn = connect(make_profile(member).user, make_supporter())
    assert (
        login(member)
        .post(reverse("peers_connection_action", args=[conn.pk, "explode"]))
        .status_code
        == 404
    )


def test_rating_and_reporting_from_the_page(login, member):
    supporter = make_supporter()
    make_profile(member)
    conn = connected(member, supporter)
    client = login(member)
    client.post(reverse("peers_rate", args=[conn.pk]), {"stars": "4"})
    assert conn.ratings.get().stars == 4
    client.post(reverse("peers_report", args=[conn.pk]), {"reason": "harassment"})
    assert Flag.objects.filter(subject=supporter, source_type="peers.connection").exists()


def _say(conn, author, body="Hello"):
    from kindred.peers.chat import room_for
    from kindred.rooms.actions import do_post_message

    do_post_message(room_for(conn), author, body)


def test_ending_sits_apart_from_the_chat_behind_a_confirm_step(login, member):
    conn = connected(make_profile(member).user, make_supporter())
    page = login(member).get(reverse("peers_connection", args=[conn.pk])).content.decode()
    end_url = reverse("peers_connection_action", args=[conn.pk, "end"])
    chat, _, rest = page.partition('id="end-heading"')
    assert end_url not in chat
    confirm = rest.split('<details id="end-connection">', 1)[1].split("</details>", 1)[0]
    assert end_url in confirm and "Yes, end this connection" in confirm


def test_the_rating_prompt_waits_until_both_have_written(login, member):
    supporter = make_supporter()
    conn = connected(make_profile(member).user, supporter)
    client = login(member)
    url = reverse("peers_connection", args=[conn.pk])
    assert b"How is it going?" not in client.get(url).content
    _say(conn, member)
    assert b"How is it going?" not in client.get(url).content
    _say(conn, supporter, "Hi, glad you wrote")
    assert b"How is it going?" in client.get(url).content


def test_the_rating_stays_in_view_once_given(login, member):
    conn = connected(make_profile(member).user, make_supporter())
    actions.do_rate(member, conn, stars=5)
    assert (
        b"You rated this 5 of 5"
        in login(member).get(reverse("peers_connection", args=[conn.pk])).content
    )


def test_the_connection_page_reads_a_fixed_number_of_queries(
    login, member, django_assert_max_num_queries
):
    supporter = make_supporter()
    conn = connected(make_profile(member).user, supporter)
    client = login(member)
    url = reverse("peers_connection", args=[conn.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as before:
        client.get(url)
    for i in range(5):
        _say(conn, member, f"Message {i}")
        _say(conn, supporter, f"Reply {i}")
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url)


def test_the_safety_report_form_resolves_a_connection(login, member):
    supporter = make_supporter()
    make_profile(member)
    conn = connect(member, supporter, note="Unkind words")
    client = login(supporter)
    client.post(
        reverse("safety_report"),
        {"reason": "harassment", "source_type": "peers.connection", "source_id": str(conn.pk)},
    )
    flag = Flag.objects.get(subject=member)
    assert flag.text == "Unkind words"


def test_too_many_requests_keep_the_note_and_answer_429(login, member, member2, rate_limits):
    rate_limits({"peers.request": "1/h/user"})
    make_profile(member)
    first, second = make_supporter("helper_hana"), make_supporter("helper_hugo")
    client = login(member)
    assert client.post(reverse("peers_request", args=[first.pk]), {"note": "Hi"}).status_code == 302
    response = client.post(
        reverse("peers_request", args=[second.pk]), {"note": "A note I took care over"}
    )
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    body = response.content.decode()
    assert "Your request was not sent" in body and "Please wait" in body
    assert "A note I took care over" in body
    assert reverse("peers_request", args=[second.pk]) in body
    assert member.peer_requests_sent.count() == 1
    make_profile(member2)
    other = login(member2).post(reverse("peers_request", args=[second.pk]), {"note": "Hello"})
    assert other.status_code == 302
