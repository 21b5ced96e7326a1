from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from kindred.accounts.models import User
from kindred.community import actions, pagecache
from kindred.community.access import (
    CannotPost,
    access_post,
    access_space,
    access_thread,
    active_suspension,
    can_moderate_space,
    may_offer_posting,
    visible_posts,
    visible_spaces,
    visible_thread_space_slug,
    visible_threads,
)
from kindred.community.forms import (
    EditForm,
    HideForm,
    MoveForm,
    ReplyForm,
    ReplyWithGuidelinesForm,
    SearchForm,
    SuspendForm,
    ThreadForm,
)
from kindred.community.models import Post, ReactionKind, Space, Thread, ThreadRead
from kindred.community.pagination import post_page, thread_page
from kindred.community.queries import activity_of, post_reactions, post_standing
from kindred.community.rendering import render_markdown
from kindred.core.access import NotFound
from kindred.core.http import AuthedHttpRequest
from kindred.core.idempotency import KeyReused, Replay, fingerprint, once, previous
from kindred.core.ratelimit import RateLimited, limit, too_many_requests
from kindred.safety.crisis import crisis_context

SUPPORT_SESSION_KEY = "community_show_support"


def space_list(request: HttpRequest) -> HttpResponse:
    spaces = visible_spaces(request.user)
    return render(request, "community/space_list.html", {"spaces": spaces})


def space_index(request: HttpRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    return pagecache.cached_page(request, "space", space.pk, lambda: _space_page(request, space))


def _space_page(request: HttpRequest, space: Space) -> HttpResponse:
    visit = actions.do_record_visit(request.user, space)
    threads, next_cursor = thread_page(
        visible_threads(request.user, space).select_related("author"), request.GET.get("before")
    )
    reads = _reads(request.user, threads)
    rows = [
        {
            "thread": t,
            "unread": request.user.is_authenticated and reads.get(t.pk, 0) < t.last_post_id,
            "new": bool(
                visit and visit.previous_visit_at and t.last_activity_at > visit.previous_visit_at
            ),
        }
        for t in threads
    ]
    return render(
        request,
        "community/space_index.html",
        {
            "space": space,
            "rows": rows,
            "next_cursor": next_cursor,
            "can_moderate": can_moderate_space(request.user, space),
            "can_post": may_offer_posting(request.user),
        },
    )


def _reads(user: User | AnonymousUser, threads: list[Thread]) -> dict[int, int]:
    if not user.is_authenticated or not threads:
        return {}
    return dict(
        ThreadRead.objects.filter(user=user, thread_id__in=[t.pk for t in threads]).values_list(
            "thread_id", "last_read_post_id"
        )
    )


@login_required
def guidelines(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    if request.method == "POST":
        actions.do_accept_guidelines(request.user, space)
        return redirect(request.POST.get("next") or reverse("community_new_thread", args=[slug]))
    return render(
        request,
        "community/guidelines.html",
        {
            "space": space,
            # Hosts write guidelines in Markdown; rendered and sanitised like posts.
            "guidelines_html": render_markdown(space.guidelines),
            "next": request.GET.get("next", ""),
        },
    )


@login_required
def new_thread(request: AuthedHttpRequest, slug: str) -> HttpResponse:
    space = access_space(request.user, slug)
    try:
        actions.check_posting(request.user, space)
    except CannotPost as exc:
        return render(
            request, "community/cannot_post.html", {"space": space, "reason": str(exc)}, status=403
        )
    except actions.GuidelinesRequired:
        return redirect(reverse("community_guidelines", args=[slug]) + f"?next={request.path}")
    form = ThreadForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        fields = form.fields_for_action()
        key = form.cleaned_data["idempotency_key"]
        print_ = fingerprint("community.thread", space.pk, fields)
        try:
            replay = previous(request.user, key, print_)
            if replay is None:
                limit(request, "community.thread")
                written, replay = once(
                    request.user,
                    key,
                    print_,
                    lambda: actions.do_create_thread(request.user, space, **fields),
                    actions.written_ref,
                )
        except RateLimited as exc:
            form.add_error(None, str(exc))
            refusal = exc
        except (actions.CommunityError, KeyReused) as exc:
            form.add_error(None, str(exc))
        else:
            if replay is not None:
                post = access_post(request.user, replay.object_id)
                return redirect(_after_replay(request, replay, _thread_url(post.thread)))
            assert written is not None
            then = _thread_url(written.post.thread) + "?draft=saved"
            return redirect(_after_write(request, written, then))
    status = 422 if request.method == "POST" else 200
    response = render(
        request, "community/new_thread.html", {"space": space, "form": form}, status=status
    )
    return too_many_requests(response, refusal) if refusal else response


def _after_replay(request: HttpRequest, replay: Replay, then: str) -> str:
    """As :func:`_after_write` for a retried form whose post was already stored: the
    support panel is offered again if the first answer offered it (it may never have
    arrived)."""
    level = replay.detail.get("support")
    if level:
        request.session[SUPPORT_SESSION_KEY] = {
            "level": level,
            "post": replay.object_id,
            "held": Post.objects.filter(pk=replay.object_id, is_held=True).exists(),
        }
        return then.split("#", 1)[0] + "#support"
    return then


def _after_write(request: HttpRequest, written: actions.Written, then: str) -> str:
    """Remember what the thread page must show the writer; return where to send them.

    ``then`` is where the writer goes when there is nothing to show them.

    With support to show, the page opens at the support panel (``#support``), not at
    the new post: a jump to the post left the panel a screen or more above, unseen.
    The panel links to the post and says whether it waits for a moderator.
    """
    if written.screen.support:
        request.session[SUPPORT_SESSION_KEY] = {
            "level": written.screen.result.level,
            "post": written.post.pk,
            "held": written.post.is_held,
        }
        return then.split("#", 1)[0] + "#support"
    if written.post.is_held:
        messages.info(
            request,
            gettext(
                "Your post is saved. Because of what it says, a moderator will look at it before "
                "others can see it — usually within minutes. You are not in trouble."
            ),
        )
    return then


def _thread_url(thread: Thread) -> str:
    return reverse("community_thread", args=[thread.space.slug, thread.pk])


def thread_detail(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    if pagecache.cacheable(request):
        # The same visibility rules as access_thread, in a cheaper query: on a cache
        # hit this check is most of the request's work.
        space_slug = visible_thread_space_slug(request.user, thread_id)
        if space_slug is None:
            raise NotFound("thread")
        if space_slug == slug:
            return pagecache.cached_page(
                request,
                "thread",
                thread_id,
                lambda: _thread_page(request, access_thread(request.user, thread_id)),
            )
    thread = access_thread(request.user, thread_id)
    if thread.space.slug != slug:
        return redirect(_thread_url(thread), permanent=True)
    return _thread_page(request, thread)


def _thread_page(request: HttpRequest, thread: Thread) -> HttpResponse:
    posts, next_after = post_page(
        visible_posts(request.user, thread).select_related("author"), request.GET.get("after")
    )
    read = (
        ThreadRead.objects.filter(user=request.user, thread=thread).first()
        if request.user.is_authenticated
        else None
    )
    last_read = read.last_read_post_id if read else 0
    if posts:
        actions.do_mark_read(request.user, thread, posts[-1].pk, known=read)
    support = _pop_support(request)
    context: dict[str, Any] = {
        "thread": thread,
        "space": thread.space,
        "posts": posts,
        "next_after": next_after,
        "reply_form": ReplyForm()
        if not request.user.is_authenticated
        or actions.has_accepted_guidelines(request.user, thread.space)
        else ReplyWithGuidelinesForm(),
        "muted": bool(read and read.muted),
        "can_moderate": can_moderate_space(request.user, thread.space),
        "can_post": may_offer_posting(request.user),
        "support": support is not None,
        "suspension": active_suspension(request.user, thread.space)
        if request.user.is_authenticated
        else None,
    }
    if context["can_moderate"]:
        context["move_targets"] = Space.objects.filter(is_archived=False)
    # Jinja2 autoescapes every value itself; the result is HTML for the page.
    context["posts_html"] = mark_safe(  # noqa: S308
        render_to_string(
            "community/posts.html",
            {
                "posts": _post_rows(request.user, posts, last_read, thread.space),
                "can_moderate": context["can_moderate"],
                "report_url": reverse("safety_report"),
            },
            request=request,
            using="jinja2",
        )
    )
    if support is not None:
        crisis = crisis_context(request)
        context["support_country"] = crisis["country"] or crisis["anywhere"]
        context["support_held"] = support["held"]
        if support["post"]:
            context["support_post_url"] = f"#post-{support['post']}"
    return render(request, "community/thread.html", context)


def _pop_support(request: HttpRequest) -> dict[str, Any] | None:
    """The support to show once, after this person's own write (see :func:`_after_write`)."""
    value = request.session.pop(SUPPORT_SESSION_KEY, None) if hasattr(request, "session") else None
    if not value:
        return None
    if not isinstance(value, dict):
        # Stored by the previous release as the bare level.
        return {"level": value, "post": None, "held": False}
    return {"level": value.get("level"), "post": value.get("post"), "held": bool(value.get("held"))}


@cache
def _post_url(name: str) -> str:
    """A URL pattern for post actions, reversed once: ``.format(post_id)`` fills it in.

    Reversing per post and per action costs more than the rest of the page.
    """
    return reverse(name, args=[_PLACEHOLDER]).replace(str(_PLACEHOLDER), "{}")


_PLACEHOLDER = 987654321


def _post_rows(
    user: User | AnonymousUser, posts: list[Post], last_read: int, space: Space
) -> list[dict[str, Any]]:
    """What the thread page shows for each post, prepared in one pass."""
    now = timezone.now()
    base: list[dict[str, Any]] = [
        {
            "post": p,
            "handle": p.author.handle,
            "iso": p.created_at.isoformat(),
            "since": timesince(p.created_at, now),
            "standing": post_standing(p),
        }
        for p in posts
    ]
    if not user.is_authenticated:
        return base
    reactions = post_reactions(user, posts)
    patterns = {
        action: _post_url(f"community_{name}")
        for action, name in (
            ("react", "react"),
            ("edit", "edit_post"),
            ("delete", "delete_post"),
            ("history", "post_history"),
            ("hide", "hide_post"),
            ("restore", "restore_post"),
            ("release", "release_post"),
        )
    }
    suspend = reverse("community_suspend", args=[space.slug, "HANDLE"]).replace("HANDLE", "{}")
    for row in base:
        p = row["post"]
        is_mine = p.author_id == user.pk
        row["is_mine"] = is_mine
        row["unread"] = p.pk > last_read and not is_mine
        seen = reactions[p.pk]
        # (kind, label, count or None when the reader may not see it, whether I gave it)
        row["reactions"] = [
            (
                kind,
                label,
                None if seen.counts is None else seen.counts.get(kind, 0),
                kind in seen.mine,
            )
            for kind, label in ReactionKind.choices
        ]
        row["urls"] = {action: pattern.format(p.pk) for action, pattern in patterns.items()}
        row["urls"]["suspend"] = suspend.format(quote(row["handle"]))
    return base


@login_required
@require_POST
def reply(request: AuthedHttpRequest, slug: str, thread_id: int) -> HttpResponse:
    thread = access_thread(request.user, thread_id)
    accepted = actions.has_accepted_guidelines(request.user, thread.space)
    form = (ReplyForm if accepted else ReplyWithGuidelinesForm)(request.POST)
    refusal = None
    if form.is_valid():
        key = form.cleaned_data["idempotency_key"]
        body, warning = form.cleaned_data["body"], form.cleaned_data["content_warning"]
        print_ = fingerprint("community.reply", thread.pk, {"body": body, "cw": warning})

        def create() -> actions.Written:
            if not accepted:
                actions.do_accept_guidelines(request.user, thread.space)
            return actions.do_reply(request.user, thread, body=body, content_warning=warning)

        try:
            replay = previous(request.user, key, print_)
            if replay is None:
                limit(request, "community.reply")
                written, replay = once(request.user, key, print_, create, actions.written_ref)
        except RateLimited as exc:
            form.add_error(None, str(exc))
            refusal = exc
        except (actions.CommunityError, CannotPost, KeyReused) as exc:
            form.add_error(None, str(exc))
        else:
            if replay is not None:
                then = _thread_url(thread) + f"?draft=saved#post-{replay.object_id}"
                return redirect(_after_replay(request, replay, then))
            assert written is not None
            then = _thread_url(thread) + f"?draft=saved#post-{written.post.pk}"
            return redirect(_after_write(request, written, then))
    # Keep what they wrote: re-render the reply form with the error.
    response = render(
        request,
        "community/reply_error.html",
        {"thread": thread, "space": thread.space, "form": form},
        status=422,
    )
    return too_many_requests(response, refusal) if refusal else response


@login_required
def edit_post(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    post = access_post(request.user, post_id, write=True)
    initial = {
        "body": post.body,
        "content_warning": post.content_warning,
        "title": post.thread.title,
    }
    form = EditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            written = actions.do_edit_post(
                request.user,
                post,
                body=form.cleaned_data["body"],
                content_warning=form.cleaned_data["content_warning"],
                title=form.cleaned_data["title"] if post.is_opening else None,
            )
        except actions.CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            then = _thread_url(post.thread) + f"?draft=saved#post-{post.pk}"
            return redirect(_after_write(request, written, then))
    status = 422 if request.method == "POST" else 200
    return render(request, "community/edit_post.html", {"post": post, "form": form}, status=status)


@login_required
@require_POST
def delete_post(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    post = access_post(request.user, post_id, write=True)
    actions.do_delete_post(request.user, post)
    messages.success(request, gettext("Your post was deleted."))
    if post.is_opening:
        return redirect("community_space", post.thread.space.slug)
    return redirect(_thread_url(post.thread))


@login_required
@require_POST
def react(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    post = access_post(request.user, post_id)
    try:
        actions.do_toggle_reaction(request.user, post, request.POST.get("kind", ""))
    except actions.CommunityError as exc:
        messages.error(request, str(exc))
    return redirect(_thread_url(post.thread) + f"#post-{post.pk}")


@login_required
@require_POST
def mute(request: AuthedHttpRequest, thread_id: int) -> HttpResponse:
    thread = access_thread(request.user, thread_id)
    actions.do_set_mute(request.user, thread, request.POST.get("muted") == "1")
    return redirect(_thread_url(thread))


@login_required
def activity(request: AuthedHttpRequest) -> HttpResponse:
    rows = activity_of(request.user)
    return render(request, "community/activity.html", {"rows": rows})


def search(request: HttpRequest) -> HttpResponse:
    from kindred.community.search import search_posts

    form = SearchForm(request.GET or None)
    results: list[Any] = []
    space = None
    if form.is_valid():
        if form.cleaned_data.get("space"):
            space = access_space(request.user, form.cleaned_data["space"])
        results = search_posts(request.user, form.cleaned_data["q"], space=space)
    return render(
        request, "community/search.html", {"form": form, "results": results, "space": space}
    )


# --- Moderation --------------------------------------------------------------


def _moderated_post(request: HttpRequest, post_id: int) -> Post:
    post = access_post(request.user, post_id)
    if not can_moderate_space(request.user, post.thread.space):
        raise NotFound("post")
    return post


def post_history(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    """Earlier versions of an edited post, for moderators."""
    post = _moderated_post(request, post_id)
    revisions = post.revisions.order_by("-created_at")
    return render(request, "community/post_history.html", {"post": post, "revisions": revisions})


@require_POST
def hide_post(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    post = _moderated_post(request, post_id)
    form = HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, gettext("Give a reason the author can read."))
    else:
        actions.do_set_post_hidden(request.user, post, True, form.cleaned_data["reason"])
        messages.success(request, gettext("Hidden."))
    return redirect(_thread_url(post.thread) + f"#post-{post.pk}")


@require_POST
def restore_post(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    post = _moderated_post(request, post_id)
    actions.do_set_post_hidden(request.user, post, False)
    messages.success(request, gettext("Restored."))
    return redirect(_thread_url(post.thread) + f"#post-{post.pk}")


@require_POST
def release_post(request: AuthedHttpRequest, post_id: int) -> HttpResponse:
    post = _moderated_post(request, post_id)
    if actions.do_release_held(request.user, post):
        messages.success(request, gettext("Released: others can see it now."))
    else:
        messages.info(request, gettext("This post was released already."))
    return redirect(_thread_url(post.thread) + f"#post-{post.pk}")


@require_POST
def lock_thread(request: AuthedHttpRequest, thread_id: int) -> HttpResponse:
    thread = access_thread(request.user, thread_id)
    if not can_moderate_space(request.user, thread.space):
        raise NotFound("thread")
    actions.do_set_locked(request.user, thread, request.POST.get("locked") == "1")
    return redirect(_thread_url(thread))


@require_POST
def move_thread(request: AuthedHttpRequest, thread_id: int) -> HttpResponse:
    thread = access_thread(request.user, thread_id)
    if not can_moderate_space(request.user, thread.space):
        raise NotFound("thread")
    move = MoveForm(request.POST)
    target = (
        Space.objects.filter(slug=move.cleaned_data["space"], is_archived=False).first()
        if move.is_valid()
        else None
    )
    if target is None:
        messages.error(request, gettext("Choose a space."))
    else:
        actions.do_move_thread(request.user, thread, target)
    return redirect(_thread_url(thread))


def suspend_member(request: AuthedHttpRequest, slug: str, handle: str) -> HttpResponse:
    space = access_space(request.user, slug)
    if not can_moderate_space(request.user, space):
        raise NotFound("page")
    member = User.objects.filter(handle__iexact=handle).first()
    if member is None:
        raise NotFound("member")
    form = SuspendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_suspend(
                request.user,
                member,
                days=form.cleaned_data["days"],
                reason=form.cleaned_data["reason"],
                space=None if form.cleaned_data["everywhere"] else space,
            )
        except actions.CommunityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, gettext("%(handle)s is suspended.") % {"handle": member.handle}
            )
            return redirect("community_space", slug)
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "community/suspend.html",
        {"space": space, "member": member, "form": form},
        status=status,
    )
