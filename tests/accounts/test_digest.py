from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from kindred.accounts.digest import send_digests
from kindred.accounts.tasks import daily_digest
from kindred.core.notifications import do_notify

pytestmark = pytest.mark.django_db


def test_only_opted_in_people_get_a_digest_of_titles(
    member, member2, django_capture_on_commit_callbacks
):
    member.email_digest = True
    member.save()
    do_notify(
        [member, member2], kind="community.reply", title="north_star replied to “Sleep”", url="/x/"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert "north_star replied to “Sleep”" in message.body and "/x/" in message.body


def test_a_digest_is_not_sent_twice_for_the_same_notifications(
    member, django_capture_on_commit_callbacks
):
    member.email_digest = True
    member.save()
    do_notify([member], kind="k", title="One")
    with django_capture_on_commit_callbacks(execute=True):
        send_digests()
        assert send_digests(now=timezone.now() + timedelta(days=1)) == 0
    assert len(mail.outbox) == 1


def test_read_notifications_are_left_out(member, django_capture_on_commit_callbacks):
    member.email_digest = True
    member.save()
    (note,) = do_notify([member], kind="k", title="Already seen")
    note.read_at = timezone.now()
    note.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert daily_digest.call_local() == 0
    assert mail.outbox == []
