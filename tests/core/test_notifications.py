"""In-app notifications are stored and pushed to the recipient's open pages."""

from kindred.core.models import Notification
from kindred.core.notifications import do_notify


def test_a_notification_is_stored_and_pushed_to_each_recipient_after_commit(
    member, member2, capture_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        do_notify([member, member2], kind="community.reply", title="Sam replied", url="/t/1/")
        assert capture_events == []
    assert Notification.objects.filter(kind="community.reply").count() == 2
    event = {
        "type": "notification.created",
        "kind": "community.reply",
        "title": "Sam replied",
        "url": "/t/1/",
    }
    assert capture_events == [(f"user.{member.pk}", event), (f"user.{member2.pk}", event)]
