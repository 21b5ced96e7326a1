"""The notifications centre and its settings page, tried as every kind of visitor."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kindred.core.models import Notification, NotificationPreference
from kindred.core.notifications import do_notify

pytestmark = pytest.mark.django_db


def notify(user, title="Someone replied", url="/spaces/"):
    return do_notify([user], kind="community.reply", title=title, url=url)[0]


@pytest.mark.parametrize("name", ["notifications", "notification_settings"])
def test_pages_need_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_opening_needs_sign_in(client, member):
    row = notify(member)
    response = client.post(reverse("notification_open", args=[row.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    row.refresh_from_db()
    assert row.read_at is None


def test_opening_marks_read_and_follows_the_link(client, member):
    row = notify(member, url="/spaces/x/")
    client.force_login(member)
    response = client.post(reverse("notification_open", args=[row.pk]))
    assert response["Location"] == "/spaces/x/"
    row.refresh_from_db()
    assert row.read_at is not None


def test_opening_another_persons_notification_is_not_found(client, member, member2):
    row = notify(member2)
    client.force_login(member)
    assert client.post(reverse("notification_open", args=[row.pk])).status_code == 404
    assert client.post(reverse("notification_open", args=[row.pk + 999])).status_code == 404
    row.refresh_from_db()
    assert row.read_at is None


def test_opening_refuses_get(client, member):
    row = notify(member)
    client.force_login(member)
    assert client.get(reverse("notification_open", args=[row.pk])).status_code == 405


def test_a_link_elsewhere_is_not_followed(client, member):
    row = notify(member, url="https://evil.example/")
    client.force_login(member)
    response = client.post(reverse("notification_open", args=[row.pk]))
    assert response["Location"] == reverse("notifications")


def test_centre_shows_unread_first_and_everything_on_request(client, member):
    notify(member, title="Fresh news")
    old = notify(member, title="Old news")
    Notification.objects.filter(pk=old.pk).update(read_at=old.created_at)
    client.force_login(member)
    unread = client.get(reverse("notifications")).content.decode()
    assert "Fresh news" in unread and "Old news" not in unread
    everything = client.get(reverse("notifications") + "?show=all").content.decode()
    assert "Fresh news" in everything and "Old news" in everything
    client.post(reverse("notifications"))
    assert "all caught up" in client.get(reverse("notifications")).content.decode()


def test_centre_costs_the_same_whatever_the_count(client, member, django_assert_max_num_queries):
    for n in range(30):
        notify(member, title=f"News {n}")
    client.force_login(member)
    with django_assert_max_num_queries(6):
        client.get(reverse("notifications"))


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("member", "Reactions to my posts", "nothing"),
        ("therapist", "Therapy sessions", "Reactions to my posts"),
        ("moderator", "Notification settings", "Reactions to my posts"),
    ],
)
def test_settings_page_lists_the_categories_that_fit_the_person(
    client, request, persona, shown, hidden
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("notification_settings"))
    assert response.status_code == 200
    body = response.content.decode()
    assert shown in body and hidden not in body


def test_a_category_not_offered_to_someone_is_not_stored(client, therapist):
    client.force_login(therapist)
    client.post(reverse("notification_settings"), {"reactions-in_app": "on"})
    assert not NotificationPreference.objects.filter(category="reactions").exists()


def test_settings_save_unchecked_as_off(client, member, member2):
    client.force_login(member)
    response = client.post(reverse("notification_settings"), {"replies-in_app": "on"})
    assert response.status_code == 302
    stored = {p.category: (p.in_app, p.email) for p in NotificationPreference.objects.all()}
    # Everything that was on by default and not ticked is now off; replies stay on.
    assert "replies" not in stored
    assert stored["reactions"] == (False, False)
    assert stored["bookings"] == (False, False)
    assert all(p.user_id == member.pk for p in NotificationPreference.objects.all())


def test_settings_refuse_other_methods(client, member):
    client.force_login(member)
    assert client.put(reverse("notification_settings")).status_code == 405
