"""Community operations, shared by pages, the API and tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from kindred.accounts.models import User
from kindred.audit.actions import record_event
from kindred.community import audit_names as community_audit
from kindred.community.access import check_can_post, visible_spaces
from kindred.community.events import post_created, thread_group
from kindred.community.models import (
    GuidelineAcceptance,
    Post,
    PostRevision,
    Reaction,
    ReactionKind,
    Space,
    SpaceVisit,
    Suspension,
    Thread,
    ThreadRead,
)
from kindred.community.pagecache import invalidate_on_commit
from kindred.community.rendering import mentioned_handles, render_markdown
from kindred.core.events import send_event_on_commit
from kindred.core.notifications import do_notify, do_notify_grouped
from kindred.safety.access import blocked_user_ids
from kindred.safety.actions import ScreenOutcome, policy_for, screen_text

MAX_TITLE = 200
MAX_BODY = 20_000
MAX_CW = 120
# What the screen reads with a reply: the same author's posts in the thread of the last day.
SCREEN_CONTEXT_WINDOW = timedelta(days=1)
SCREEN_CONTEXT_POSTS = 2


class CommunityError(Exception):
    """A rule stops this action; the message is for the person."""


class GuidelinesRequired(CommunityError):
    """The person has not accepted this space's guidelines yet: show them first."""


class ThreadLocked(CommunityError):
    """A moderator locked the thread: no new replies."""


@dataclass(frozen=True)
class Written:
    post: Post
    screen: ScreenOutcome


def written_ref(written: Written) -> tuple[str, int, dict[str, str]]:
    """What an idempotency key keeps of a new post (kindred.core.idempotency): no text."""
    level = written.screen.result.level if written.screen.support else ""
    return f"community.post:{written.post.pk}", 201, {"support": level}


def _clean(title: str | None, body: str, content_warning: str) -> tuple[str, str, str]:
    body = body.strip()
    content_warning = content_warning.strip()
    if not body:
        raise CommunityError(gettext("Write something first."))
    if len(body) > MAX_BODY:
        raise CommunityError(
            gettext("Posts can be at most %(limit)s characters.") % {"limit": f"{MAX_BODY:,}"}
        )
    if len(content_warning) > MAX_CW:
        raise CommunityError(
            gettext("Content warnings can be at most %(limit)s characters.") % {"limit": MAX_CW}
        )
    clean_title = (title or "").strip()
    if title is not None and not clean_title:
        raise CommunityError(gettext("Give your thread a title."))
    if len(clean_title) > MAX_TITLE:
        raise CommunityError(
            gettext("Titles can be at most %(limit)s characters.") % {"limit": MAX_TITLE}
        )
    return clean_title, body, content_warning


def has_accepted_guidelines(user: User, space: Space) -> bool:
    return GuidelineAcceptance.objects.filter(user=user, space=space).exists()


def do_accept_guidelines(user: User, space: Space) -> None:
    GuidelineAcceptance.objects.get_or_create(user=user, space=space)


def _earlier_own_posts(author: User, post: Post) -> list[str]:
    """The author's own latest posts in this thread (last day), oldest first: a reply that
    says only "it's tonight" is read after the same person's "I can't go on" above it."""
    cutoff = timezone.now() - SCREEN_CONTEXT_WINDOW
    posts = list(
        Post.objects.filter(thread=post.thread, author=author, created_at__gte=cutoff)
        .exclude(pk=post.pk)
        .select_related("thread")
        .order_by("-id")[:SCREEN_CONTEXT_POSTS]
    )
    return [f"{p.thread.title}\n\n{p.body}" if p.is_opening else p.body for p in posts[::-1]]


def _screen(author: User, post: Post, space: Space) -> ScreenOutcome:
    outcome = screen_text(
        author,
        f"{post.thread.title}\n\n{post.body}" if post.is_opening else post.body,
        area="community",
        source_type="community.post",
        source_id=post.pk,
        context=f"{space.name}: {post.thread.title[:80]}",
        scope=f"community:{space.slug}",
        earlier=[] if post.is_opening else _earlier_own_posts(author, post),
    )
    level = outcome.result.level
    hold = outcome.hold
    if outcome.flag is not None and space.high_risk_policy:
        # A space's own policy overrides the installation default for high risk.
        if level == "high":
            hold = space.high_risk_policy == "hold"
        else:
            hold = policy_for("community", level) == "hold"
    post.risk_level = level
    # Once held, only a moderator releases it: editing the words does not.
    post.is_held = post.is_held or hold
    post.save(update_fields=["risk_level", "is_held"])
    return ScreenOutcome(outcome.result, outcome.flag, outcome.support, post.is_held)


def check_posting(user: User, space: Space) -> None:
    """Raises ``CannotPost`` (suspended, wrong age band, …) or ``GuidelinesRequired``."""
    check_can_post(user, space)
    if not has_accepted_guidelines(user, space):
        raise GuidelinesRequired(gettext("Please read and accept this space's guidelines first."))


def check_reply(user: User, thread: Thread) -> None:
    """:func:`check_posting` for the thread's space, then ``ThreadLocked``."""
    check_posting(user, thread.space)
    if thread.is_locked:
        raise ThreadLocked(gettext("This thread is locked: no new replies."))


def do_create_thread(
    user: User, space: Space, *, title: str, body: str, content_warning: str = ""
) -> Written:
    check_posting(user, space)
    title, body, content_warning = _clean(title, body, content_warning)
    with transaction.atomic():
        invalidate_on_commit(spaces=(space.pk,))
        now = timezone.now()
        thread = Thread.objects.create(space=space, author=user, title=title, last_activity_at=now)
        post = Post.objects.create(
            thread=thread,
            author=user,
            is_opening=True,
            body=body,
            body_html=render_markdown(body),
            content_warning=content_warning,
        )
        outcome = _screen(user, post, space)
        thread.last_post_id = post.pk
        thread.is_held = post.is_held
        thread.save(update_fields=["last_post_id", "is_held"])
        ThreadRead.objects.create(user=user, thread=thread, last_read_post_id=post.pk)
        if not post.is_held:
            _notify_mentions(user, post, space)
    return Written(post, outcome)


def do_reply(user: User, thread: Thread, *, body: str, content_warning: str = "") -> Written:
    space = thread.space
    check_reply(user, thread)
    _, body, content_warning = _clean(None, body, content_warning)
    with transaction.atomic():
        invalidate_on_commit(threads=(thread.pk,), spaces=(space.pk,))
        post = Post.objects.create(
            thread=thread,
            author=user,
            body=body,
            body_html=render_markdown(body),
            content_warning=content_warning,
        )
        outcome = _screen(user, post, space)
        if not post.is_held:
            Thread.objects.filter(pk=thread.pk).update(
                reply_count=F("reply_count") + 1,
                last_activity_at=post.created_at,
                last_post_id=post.pk,
            )
            _notify_reply(user, thread, post)
            _notify_mentions(user, post, space)
            send_event_on_commit(
                thread_group(thread.pk), post_created(thread=thread.pk, post=post.pk)
            )
        ThreadRead.objects.update_or_create(
            user=user, thread=thread, defaults={"last_read_post_id": post.pk}
        )
    return Written(post, outcome)


def _notify_reply(author: User, thread: Thread, post: Post) -> None:
    recipient_id = thread.author_id
    if recipient_id == author.pk or recipient_id in blocked_user_ids(author):
        return
    if ThreadRead.objects.filter(user_id=recipient_id, thread=thread, muted=True).exists():
        return
    do_notify(
        User.objects.filter(pk=recipient_id),
        kind="community.reply",
        title=f"{author.handle} replied to “{thread.title[:80]}”",
        url=f"/spaces/{thread.space.slug}/threads/{thread.pk}/#post-{post.pk}",
    )


def _notify_mentions(author: User, post: Post, space: Space) -> None:
    handles = mentioned_handles(post.body) - {author.handle.lower()}
    if not handles:
        return
    blocked = blocked_user_ids(author)
    muted = set(
        ThreadRead.objects.filter(thread=post.thread, muted=True).values_list("user_id", flat=True)
    )
    candidates = User.objects.annotate(handle_lower=Lower("handle")).filter(
        handle_lower__in=handles, is_active=True
    )
    # Only people who can read the space hear about it; blocks and mutes hold.
    readers = [
        u
        for u in candidates[:20]
        if u.pk not in blocked
        and u.pk not in muted
        and visible_spaces(u).filter(pk=space.pk).exists()
    ]
    if readers:
        do_notify(
            readers,
            kind="community.mention",
            title=f"{author.handle} mentioned you in “{post.thread.title[:80]}”",
            url=f"/spaces/{space.slug}/threads/{post.thread_id}/#post-{post.pk}",
        )


def do_edit_post(
    user: User, post: Post, *, body: str, content_warning: str = "", title: str | None = None
) -> Written:
    if post.author_id != user.pk:
        raise CommunityError(gettext("You can only edit your own posts."))
    if title is not None and not post.is_opening:
        raise CommunityError(gettext("Only a thread's opening post has a title."))
    new_title, body, content_warning = _clean(
        title if post.is_opening else None, body, content_warning
    )
    with transaction.atomic():
        invalidate_on_commit(threads=(post.thread_id,), spaces=(post.thread.space_id,))
        PostRevision.objects.create(
            post=post,
            body=post.body,
            content_warning=post.content_warning,
            created_at=post.edited_at or post.created_at,
        )
        post.body = body
        post.body_html = render_markdown(body)
        post.content_warning = content_warning
        post.edited_at = timezone.now()
        post.save(update_fields=["body", "body_html", "content_warning", "edited_at"])
        if post.is_opening and new_title:
            Thread.objects.filter(pk=post.thread_id).update(title=new_title)
            post.thread.title = new_title
        outcome = _screen(user, post, post.thread.space)
        if post.is_opening:
            Thread.objects.filter(pk=post.thread_id).update(is_held=post.is_held)
    return Written(post, outcome)


def do_delete_post(user: User, post: Post) -> None:
    if post.author_id != user.pk:
        raise CommunityError(gettext("You can only delete your own posts."))
    with transaction.atomic():
        invalidate_on_commit(threads=(post.thread_id,), spaces=(post.thread.space_id,))
        post.is_deleted = True
        post.save(update_fields=["is_deleted"])
        if post.is_opening:
            Thread.objects.filter(pk=post.thread_id).update(is_deleted=True)
        elif not post.is_held and not post.is_hidden:
            Thread.objects.filter(pk=post.thread_id, reply_count__gt=0).update(
                reply_count=F("reply_count") - 1
            )


def do_toggle_reaction(user: User, post: Post, kind: str) -> bool:
    """Add the reaction, or take it back if it was there. Returns whether it is now on."""
    if kind not in ReactionKind.values:
        raise CommunityError(gettext("Unknown reaction."))
    if post.author_id == user.pk:
        raise CommunityError(gettext("You can't react to your own post."))
    deleted, _ = Reaction.objects.filter(post=post, user=user, kind=kind).delete()
    if deleted:
        return False
    _, created = Reaction.objects.get_or_create(post=post, user=user, kind=kind)
    if created:
        _notify_reaction(user, post)
    return True


def _notify_reaction(reactor: User, post: Post) -> None:
    """Tell the author how many people reacted: one notification per post, updated.

    The count, never who: a reaction is a quiet gesture, and the title may be read
    on a shared screen.
    """
    if post.author_id in blocked_user_ids(reactor):
        return
    people = Reaction.objects.filter(post=post).values("user_id").distinct().count()
    thread = post.thread
    title = ngettext(
        "%(count)d person reacted to your post in “%(title)s”",
        "%(count)d people reacted to your post in “%(title)s”",
        people,
    )
    do_notify_grouped(
        User.objects.get(pk=post.author_id),
        kind="community.reaction",
        key=f"community.reaction:{post.pk}",
        title=title % {"count": people, "title": thread.title[:80]},
        url=f"/spaces/{thread.space.slug}/threads/{thread.pk}/#post-{post.pk}",
    )


def do_mark_read(
    user: User | AnonymousUser,
    thread: Thread,
    last_post_id: int,
    *,
    known: ThreadRead | None = None,
) -> None:
    """Move the read marker forward (never back). ``known`` is the row if the caller has it."""
    if not user.is_authenticated or not last_post_id:
        return
    if known is not None and known.last_read_post_id >= last_post_id:
        return
    updated = ThreadRead.objects.filter(
        user=user, thread=thread, last_read_post_id__lt=last_post_id
    ).update(last_read_post_id=last_post_id)
    if not updated and known is None:
        ThreadRead.objects.get_or_create(
            user=user, thread=thread, defaults={"last_read_post_id": last_post_id}
        )


def do_set_mute(user: User, thread: Thread, muted: bool) -> None:
    ThreadRead.objects.update_or_create(user=user, thread=thread, defaults={"muted": muted})


def do_record_visit(user: User | AnonymousUser, space: Space) -> SpaceVisit | None:
    """Remember this visit; returns the visit whose ``previous_visit_at`` marks "new"."""
    if not user.is_authenticated:
        return None
    now = timezone.now()
    visit = SpaceVisit.objects.filter(user=user, space=space).first()
    if visit is None:
        return SpaceVisit.objects.create(
            user=user, space=space, previous_visit_at=None, last_visit_at=now
        )
    # A visit is a session of reading: reloads within 30 minutes keep the same marker.
    if now - visit.last_visit_at > timedelta(minutes=30):
        visit.previous_visit_at = visit.last_visit_at
    visit.last_visit_at = now
    visit.save(update_fields=["previous_visit_at", "last_visit_at"])
    return visit


# --- Moderation (callers have checked can_moderate_space) ---------------------------


def do_set_post_hidden(moderator: User, post: Post, hidden: bool, reason: str = "") -> None:
    with transaction.atomic():
        invalidate_on_commit(threads=(post.thread_id,), spaces=(post.thread.space_id,))
        post.is_hidden = hidden
        post.hidden_reason = reason.strip()[:200] if hidden else ""
        fields = ["is_hidden", "hidden_reason"]
        if not hidden and post.is_held:
            post.is_held = False  # restoring a held post releases it
            fields.append("is_held")
        post.save(update_fields=fields)
        if post.is_opening:
            Thread.objects.filter(pk=post.thread_id).update(
                is_hidden=hidden, hidden_reason=post.hidden_reason, is_held=post.is_held
            )
        record_event(
            actor=moderator,
            event=community_audit.POST_HIDDEN if hidden else community_audit.POST_RESTORED,
            target=post,
            changes={"reason": post.hidden_reason} if hidden else {},
        )
        if hidden and post.author_id != moderator.pk:
            # The author hears it from us, with where to read the reason, rather than
            # finding the post gone. The title names the thread, never the post.
            thread = post.thread
            do_notify(
                User.objects.filter(pk=post.author_id),
                kind="community.post_hidden",
                title=gettext("A moderator hid your post in “%(title)s”")
                % {"title": thread.title[:80]},
                url=f"/spaces/{thread.space.slug}/threads/{thread.pk}/#post-{post.pk}",
            )


def do_release_held(moderator: User, post: Post) -> bool:
    """Show a held post; False when it was not held (released already: nothing to count)."""
    with transaction.atomic():
        # Locked and re-read: two releases at once must not count the reply twice.
        if not Post.objects.select_for_update().filter(pk=post.pk, is_held=True).exists():
            post.is_held = False
            return False
        invalidate_on_commit(threads=(post.thread_id,), spaces=(post.thread.space_id,))
        post.is_held = False
        post.save(update_fields=["is_held"])
        if post.is_opening:
            Thread.objects.filter(pk=post.thread_id).update(is_held=False)
        else:
            Thread.objects.filter(pk=post.thread_id).update(
                reply_count=F("reply_count") + 1,
                last_activity_at=timezone.now(),
                last_post_id=post.pk,
            )
        record_event(actor=moderator, event=community_audit.POST_RELEASED, target=post)
    return True


def do_set_locked(moderator: User, thread: Thread, locked: bool) -> None:
    with transaction.atomic():
        invalidate_on_commit(threads=(thread.pk,), spaces=(thread.space_id,))
        Thread.objects.filter(pk=thread.pk).update(is_locked=locked)
        thread.is_locked = locked
        record_event(
            actor=moderator,
            event=community_audit.THREAD_LOCKED if locked else community_audit.THREAD_UNLOCKED,
            target=thread,
        )


def do_move_thread(moderator: User, thread: Thread, space: Space) -> None:
    with transaction.atomic():
        invalidate_on_commit(threads=(thread.pk,), spaces=(thread.space_id, space.pk))
        old = thread.space_id
        Thread.objects.filter(pk=thread.pk).update(space=space)
        thread.space = space
        record_event(
            actor=moderator,
            event=community_audit.THREAD_MOVED,
            target=thread,
            changes={"from": old, "to": space.pk},
        )


def do_suspend(
    moderator: User, user: User, *, days: int, reason: str, space: Space | None = None
) -> Suspension:
    reason = reason.strip()
    if not reason:
        raise CommunityError(gettext("Give the member a reason they can read."))
    if not 1 <= days <= 365:
        raise CommunityError(gettext("Suspend for 1 to 365 days."))
    with transaction.atomic():
        suspension = Suspension.objects.create(
            user=user,
            space=space,
            reason=reason[:300],
            until=timezone.now() + timedelta(days=days),
            created_by=moderator,
        )
        record_event(
            actor=moderator,
            event=community_audit.MEMBER_SUSPENDED,
            target=user,
            changes={"days": days, "space": space.pk if space else None},
        )
        do_notify(
            [user],
            kind="community.suspended",
            title=f"You can't post for {days} day(s). Reason: {reason[:120]}",
            url="/spaces/",
        )
    return suspension
