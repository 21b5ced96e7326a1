from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation

from kindred.community import actions, pagecache
from kindred.community.models import Post


def thread_url(thread):
    return reverse("community_thread", args=[thread.space.slug, thread.pk])


def test_anonymous_readers_get_a_cached_page(
    client, member, space, write, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    thread = write(member, space)
    client.get(thread_url(thread))
    with django_assert_max_num_queries(1):  # the access check only
        response = client.get(thread_url(thread))
    assert response.status_code == 200 and b"Finding my feet" in response.content


def test_a_page_cached_in_one_language_is_not_served_in_another(rf, settings):
    settings.COMMUNITY_PAGE_CACHE = True
    request = rf.get("/spaces/grief/")
    request.user = AnonymousUser()
    pages = []

    def render():
        pages.append(translation.get_language())
        return HttpResponse(translation.get_language())

    for language in ("en", "fr", "en", "fr"):
        with translation.override(language):
            assert pagecache.cached_page(request, "space", 1, render).content == language.encode()
    assert pages == ["en", "fr"]  # each language rendered once, then served from the cache


def test_a_new_reply_is_visible_to_anonymous_readers_at_once(
    client, member, member2, space, write, django_capture_on_commit_callbacks
):
    thread = write(member, space)
    client.get(thread_url(thread))
    client.get(reverse("community_space", args=[space.slug]))
    with django_capture_on_commit_callbacks(execute=True):
        write.reply(member2, thread, body="A brand new reply")
    assert b"A brand new reply" in client.get(thread_url(thread)).content
    assert b"1 reply" in client.get(reverse("community_space", args=[space.slug])).content


def test_hiding_and_locking_invalidate_the_cached_page(
    client, member, member2, moderator, space, write, django_capture_on_commit_callbacks
):
    thread = write(member, space)
    reply = write.reply(member2, thread, body="Soon hidden")
    assert b"Soon hidden" in client.get(thread_url(thread)).content
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_set_post_hidden(moderator, reply, True, "unkind")
    assert b"Soon hidden" not in client.get(thread_url(thread)).content
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_set_locked(moderator, thread, True)
    assert b"This thread is locked" in client.get(thread_url(thread)).content


def test_a_hidden_thread_is_not_served_from_the_cache(
    client, member, moderator, space, write, django_capture_on_commit_callbacks
):
    thread = write(member, space)
    client.get(thread_url(thread))
    # Even without the version bump, the access check runs before the cache.
    Post.objects.filter(thread=thread).update(is_hidden=True)
    type(thread).objects.filter(pk=thread.pk).update(is_hidden=True)
    assert client.get(thread_url(thread)).status_code == 404


def test_signed_in_pages_are_never_cached(client, member, member2, space, write):
    thread = write(member, space)
    client.force_login(member2)
    client.get(thread_url(thread))
    assert client.get(thread_url(thread)).context is not None  # rendered, not from the cache


def test_versions_are_new_after_a_bump():
    before = pagecache.version("thread", 1)
    pagecache.bump("thread", 1)
    assert pagecache.version("thread", 1) != before


# --- Redis trouble degrades, never fails (#19) ----------------------------------------


def test_a_reply_is_stored_and_answered_when_the_cache_is_down(
    login, member, member2, space, write, cache_down, django_capture_on_commit_callbacks
):
    thread = write(member, space)
    actions.do_accept_guidelines(member2, space)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(member2).post(
            f"/api/v1/threads/{thread.pk}/posts",
            {"body": "Stored despite Redis"},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    assert Post.objects.filter(thread=thread, body="Stored despite Redis").count() == 1


def test_a_new_thread_is_stored_and_answered_when_the_cache_is_down(
    login, member, space, cache_down, django_capture_on_commit_callbacks
):
    actions.do_accept_guidelines(member, space)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(member).post(
            f"/api/v1/spaces/{space.slug}/threads",
            {"title": "Without Redis", "body": "Still here"},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    assert Post.objects.filter(body="Still here").count() == 1


def test_invalidation_errors_after_commit_are_logged_not_raised(
    member, member2, space, write, cache_down, django_capture_on_commit_callbacks, caplog
):
    thread = write(member, space)
    with django_capture_on_commit_callbacks(execute=True):
        write.reply(member2, thread, body="A reply")
    assert "Page cache not invalidated (ConnectionError)" in caplog.text


def test_anonymous_pages_render_without_the_cache_when_it_is_down(
    client, member, space, write, cache_down
):
    thread = write(member, space)
    response = client.get(thread_url(thread))
    assert response.status_code == 200 and b"Finding my feet" in response.content
    assert client.get(reverse("community_space", args=[space.slug])).status_code == 200
