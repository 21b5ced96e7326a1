"""Who sees and does what in community spaces. The one place these rules live."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from kindred.accounts.access import has_mfa
from kindred.accounts.age import current_age_band
from kindred.accounts.deletion import shown_author
from kindred.accounts.models import User
from kindred.community.models import AgeBandRule, Post, Space, Suspension, Thread, Visibility
from kindred.core.access import NotFound
from kindred.core.roles import Role
from kindred.safety.access import blocked_user_ids


def is_moderator(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.MODERATOR) and has_mfa(user))


def can_moderate_space(user: User | AnonymousUser, space: Space) -> bool:
    """Moderators of the space; a space with none named is shared by every moderator.

    Space moderators hold the moderator role too (and so its second factor).
    """
    if not is_moderator(user):
        return False
    named = space.moderators.values_list("pk", flat=True)
    return not named.exists() or user.pk in set(named)


def visible_spaces(user: User | AnonymousUser) -> QuerySet[Space]:
    """Moderators: every space. Members: the spaces of their age band, which follows
    the date of birth the moment a teen turns 18, even before the stored band is
    moved. Visitors: public adult spaces."""
    spaces = Space.objects.filter(is_archived=False)
    if is_moderator(user):
        return spaces
    if not user.is_authenticated:
        # Teen spaces are for signed-in teens only.
        return spaces.filter(visibility=Visibility.PUBLIC, age_band=AgeBandRule.ADULT)
    return spaces.filter(age_band=current_age_band(user))


def access_space(user: User | AnonymousUser, slug: str) -> Space:
    space = visible_spaces(user).filter(slug=slug).first()
    if space is None:
        raise NotFound("space")
    return space


def visible_threads(user: User | AnonymousUser, space: Space | None = None) -> QuerySet[Thread]:
    """Threads ``user`` may read: in ``space``, or in any space they may read."""
    threads = (
        Thread.objects.filter(space=space)
        if space is not None
        else Thread.objects.filter(space__in=visible_spaces(user))
    )
    if is_moderator(user):
        return threads.filter(is_deleted=False)
    # An author whose account is being deleted (inactive) is hidden with their threads.
    base = Q(is_hidden=False, is_deleted=False, is_held=False) & shown_author()
    if user.is_authenticated:
        # Authors still see their own held or hidden thread (with the reason).
        base |= Q(author_id=user.pk, is_deleted=False)
        blocked = blocked_user_ids(user)
        if blocked:
            return threads.filter(base).exclude(author_id__in=blocked)
    return threads.filter(base)


def access_thread(user: User | AnonymousUser, thread_id: int) -> Thread:
    thread = visible_threads(user).select_related("space", "author").filter(pk=thread_id).first()
    if thread is None:
        raise NotFound("thread")
    return thread


def visible_thread_space_slug(user: User | AnonymousUser, thread_id: int) -> str | None:
    """The slug of the thread's space if ``user`` may read the thread, else None."""
    slug: str | None = (
        visible_threads(user).filter(pk=thread_id).values_list("space__slug", flat=True).first()
    )
    return slug


def visible_posts(user: User | AnonymousUser, thread: Thread) -> QuerySet[Post]:
    posts = Post.objects.filter(thread=thread)
    if is_moderator(user):
        # Held and hidden posts are theirs to review; a post its author deleted is gone
        # from their view too (kindred/consent/visibility.py, MODERATOR_PUBLIC_POSTS).
        return posts.filter(is_deleted=False)
    base = Q(is_hidden=False, is_held=False, is_deleted=False) & shown_author()
    if user.is_authenticated:
        base |= Q(author_id=user.pk, is_deleted=False)
        blocked = blocked_user_ids(user)
        if blocked:
            return posts.filter(base).exclude(author_id__in=blocked)
    return posts.filter(base)


def access_post(user: User | AnonymousUser, post_id: int, *, write: bool = False) -> Post:
    """A post the user can see; with ``write``, one they wrote (edit, delete)."""
    post = (
        Post.objects.select_related("thread", "thread__space", "author").filter(pk=post_id).first()
    )
    if post is None:
        raise NotFound("post")
    try:
        access_thread(user, post.thread_id)
    except NotFound:
        # The same answer as a missing post: an id must not reveal that it exists.
        raise NotFound("post") from None
    if not visible_posts(user, post.thread).filter(pk=post.pk).exists():
        raise NotFound("post")
    if write and post.author_id != user.pk:
        raise NotFound("post")
    return post


def active_suspension(user: User, space: Space | None) -> Suspension | None:
    now = timezone.now()
    query = Suspension.objects.filter(user=user, until__gt=now, lifted_at__isnull=True)
    if space is not None:
        query = query.filter(Q(space__isnull=True) | Q(space=space))
    return query.order_by("-until").first()


class CannotPost(Exception):
    """Why this person cannot post here now (shown to them)."""


def may_offer_posting(user: User | AnonymousUser) -> bool:
    """Whether to offer "Start a thread": to visitors (asked to log in first) and members.

    Everyone else would only be refused by :func:`check_can_post`. A suspended member
    is still offered it and is told why and until when.
    """
    return not user.is_authenticated or user.has_role(Role.MEMBER)


def check_can_post(user: User | AnonymousUser, space: Space) -> None:
    if not user.is_authenticated:
        raise CannotPost(gettext("Log in to post."))
    if not user.has_role(Role.MEMBER):
        raise CannotPost(gettext("Only members can post in community spaces."))
    suspension = active_suspension(user, space)
    if suspension is not None:
        raise CannotPost(
            gettext("You can't post until %(until)s UTC. Reason: %(reason)s")
            % {"until": f"{suspension.until:%-d %B %Y, %H:%M}", "reason": suspension.reason}
        )
