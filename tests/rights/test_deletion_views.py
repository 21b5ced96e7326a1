"""The deletion pages: ask, confirm, and cancel after signing in again."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.bookings.models import Booking
from kindred.rights.deletion import do_schedule_deletion, pending_deletion
from kindred.rights.deletion_models import PostsChoice
from kindred.rights.deletion_views import CANCEL_KEY, CONFIRM_KEY, PROOF_SECONDS
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

ASK = "/accounts/data/delete/"
CONFIRM = "/accounts/data/delete/confirm/"
CANCEL = "/accounts/data/delete/cancel/"


@pytest.mark.parametrize("url", [ASK, CONFIRM])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    answer = client.get(url)
    assert answer.status_code == 302 and answer.url.startswith("/accounts/login/")
    assert client.post(url, {"password": TEST_PASSWORD}).status_code == 302


def test_the_settings_page_links_to_deletion(client, member):
    client.force_login(member)
    assert ASK in client.get("/accounts/profile/").content.decode()


def test_the_page_shows_what_happens_with_constant_queries(
    client, member, django_assert_max_num_queries
):
    client.force_login(member)
    with django_assert_max_num_queries(12):
        page = client.get(ASK)
    assert page.status_code == 200
    html = page.content.decode()
    assert "7 days" in html and 'name="password"' in html


def test_a_wrong_password_is_422_and_stays_on_the_page(client, member):
    client.force_login(member)
    answer = client.post(ASK, {"password": "nope", "posts": PostsChoice.DELETE})
    assert answer.status_code == 422
    assert "That password is not right." in answer.content.decode()
    assert CONFIRM_KEY not in client.session


def test_a_missing_choice_is_422(client, member):
    client.force_login(member)
    assert client.post(ASK, {"password": TEST_PASSWORD, "posts": "shred"}).status_code == 422


def test_the_right_user_confirms_and_is_signed_out(client, member):
    client.force_login(member)
    answer = client.post(ASK, {"password": TEST_PASSWORD, "posts": PostsChoice.ANONYMISE})
    assert answer.status_code == 302 and answer.url == CONFIRM
    # Nothing happens before the confirm step.
    assert pending_deletion(member) is None
    page = client.get(CONFIRM)
    assert page.status_code == 200
    assert "Yes, delete my account" in page.content.decode()
    done = client.post(CONFIRM)
    assert done.status_code == 200
    assert "signed out everywhere" in done.content.decode()
    deletion = pending_deletion(member)
    assert deletion is not None and deletion.posts == PostsChoice.ANONYMISE
    assert client.get("/accounts/profile/").status_code == 302


def test_confirm_without_a_fresh_password_goes_back(client, member):
    client.force_login(member)
    assert client.get(CONFIRM).url == ASK
    session = client.session
    session[CONFIRM_KEY] = {
        "user": member.pk,
        "posts": PostsChoice.DELETE,
        "at": time.time() - PROOF_SECONDS - 1,
    }
    session.save()
    assert client.post(CONFIRM).url == ASK
    assert pending_deletion(member) is None


def test_another_users_proof_does_not_count(client, member, member2):
    client.force_login(member2)
    session = client.session
    session[CONFIRM_KEY] = {"user": member.pk, "posts": PostsChoice.DELETE, "at": time.time()}
    session.save()
    assert client.post(CONFIRM).url == ASK
    assert pending_deletion(member) is None and pending_deletion(member2) is None


def test_a_therapist_with_duties_sees_them_and_cannot_go_on(client, therapist, member):
    now = timezone.now()
    Booking.objects.create(
        therapist=therapist,
        member=member,
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, minutes=50),
    )
    client.force_login(therapist)
    page = client.get(ASK)
    assert "upcoming session(s) booked with you" in page.content.decode()
    answer = client.post(ASK, {"password": TEST_PASSWORD, "posts": PostsChoice.DELETE})
    assert answer.status_code == 422
    assert pending_deletion(therapist) is None


def test_the_cancel_page_needs_the_sign_in_first(client, member, member2):
    do_schedule_deletion(member, actor=member)
    assert client.get(CANCEL).url == "/accounts/login/"
    assert client.post(CANCEL).url == "/accounts/login/"
    assert pending_deletion(member) is not None
    # A signed-in stranger gets no further either.
    client.force_login(member2)
    assert client.post(CANCEL).url == "/accounts/login/"
    assert pending_deletion(member) is not None


def test_the_cancel_page_cancels_after_the_sign_in(client, member):
    do_schedule_deletion(member, actor=member)
    session = client.session
    session[CANCEL_KEY] = {"user": member.pk, "at": time.time()}
    session.save()
    page = client.get(CANCEL)
    assert page.status_code == 200
    assert client.post(CANCEL).url == "/accounts/login/"
    member.refresh_from_db()
    assert member.is_active and pending_deletion(member) is None
