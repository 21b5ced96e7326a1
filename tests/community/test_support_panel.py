"""After a risky post the writer lands on their support panel, not a screen below it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kindred.community import actions
from kindred.community.models import Post
from kindred.community.views import SUPPORT_SESSION_KEY
from kindred.safety.models import Flag

HIGH_RISK = "I want to kill myself tonight, I have the pills ready"
HELD_NOTE = "a moderator will look at it before others can see it"


def thread_url(thread):
    return reverse("community_thread", args=[thread.space.slug, thread.pk])


@pytest.fixture
def us_member(member):
    member.country = "US"
    member.save(update_fields=["country"])
    return member


def reply(client, thread, body):
    return client.post(
        reverse("community_reply", args=[thread.space.slug, thread.pk]), {"body": body}
    )


def test_a_risky_reply_opens_the_thread_at_the_support_panel(
    client, us_member, member2, space, write
):
    thread = write(member2, space)
    actions.do_accept_guidelines(us_member, space)
    client.force_login(us_member)
    response = reply(client, thread, HIGH_RISK)
    post = Post.objects.get(author=us_member)
    assert response.status_code == 302
    # The panel, not the post: a jump to the post left the panel a screen above, unseen.
    assert response["Location"] == f"{thread_url(thread)}?draft=saved#support"
    body = client.get(response["Location"]).content.decode()
    assert 'id="support"' in body and "data-autofocus" in body
    assert f'href="#post-{post.pk}">See your post</a>' in body
    # Crisis lines for the writer's country, each a link a phone opens at one tap.
    assert 'href="tel:988"' in body and 'href="sms:988"' in body
    assert 'href="sms:741741?&amp;body=HOME"' in body and 'href="tel:911"' in body
    # The held-post note is inside the panel (in view), said once.
    panel = body[body.index('id="support"') : body.index("</section>", body.index('id="support"'))]
    assert HELD_NOTE in panel and body.count(HELD_NOTE) == 1
    assert Flag.objects.filter(subject=us_member, source_id=str(post.pk)).count() == 1


def test_a_risky_new_thread_opens_at_the_panel(client, us_member, space):
    actions.do_accept_guidelines(us_member, space)
    client.force_login(us_member)
    response = client.post(
        reverse("community_new_thread", args=[space.slug]), {"title": "tonight", "body": HIGH_RISK}
    )
    assert response.status_code == 302 and response["Location"].endswith("?draft=saved#support")
    body = client.get(response["Location"]).content.decode()
    assert 'class="support-panel"' in body and 'href="sms:741741?&amp;body=HOME"' in body


def test_a_risky_edit_opens_at_the_panel(client, us_member, space, write):
    thread = write(us_member, space)
    post = thread.posts.get()
    client.force_login(us_member)
    response = client.post(
        reverse("community_edit_post", args=[post.pk]),
        {"title": thread.title, "body": HIGH_RISK, "content_warning": ""},
    )
    assert response.status_code == 302 and response["Location"].endswith("#support")
    assert 'id="support"' in client.get(response["Location"]).content.decode()


def test_a_harmless_reply_goes_to_the_post_and_raises_nothing(
    client, member, member2, space, write
):
    thread = write(member2, space)
    actions.do_accept_guidelines(member, space)
    client.force_login(member)
    response = reply(client, thread, "Thank you, a walk after dinner helped me too.")
    post = Post.objects.get(author=member)
    assert response["Location"] == f"{thread_url(thread)}?draft=saved#post-{post.pk}"
    body = client.get(response["Location"]).content.decode()
    assert 'class="support-panel"' not in body
    assert not Flag.objects.exists()
    assert SUPPORT_SESSION_KEY not in client.session


def test_the_panel_is_shown_once_and_only_to_the_writer(client, us_member, member2, space, write):
    thread = write(member2, space)
    actions.do_accept_guidelines(us_member, space)
    client.force_login(us_member)
    location = reply(client, thread, HIGH_RISK)["Location"]
    assert 'id="support"' in client.get(location).content.decode()
    assert 'id="support"' not in client.get(location).content.decode()
    client.force_login(member2)
    assert 'id="support"' not in client.get(thread_url(thread)).content.decode()


def test_the_panel_picks_the_writers_country(client, member, member2, space, write):
    member.country = "GB"
    member.save(update_fields=["country"])
    thread = write(member2, space)
    actions.do_accept_guidelines(member, space)
    client.force_login(member)
    body = client.get(reply(client, thread, HIGH_RISK)["Location"]).content.decode()
    assert "Samaritans" in body and 'href="tel:116123"' in body
    assert 'href="sms:85258?&amp;body=SHOUT"' in body and 'href="tel:999"' in body
    assert "741741" not in body


def test_a_panel_remembered_by_the_previous_release_still_shows(client, member, space, write):
    thread = write(member, space)
    client.force_login(member)
    session = client.session
    session[SUPPORT_SESSION_KEY] = "high"  # the bare level the old code stored
    session.save()
    body = client.get(thread_url(thread)).content.decode()
    assert 'id="support"' in body and "See your post" not in body
