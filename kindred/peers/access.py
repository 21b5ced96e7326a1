"""Who may do what in one-to-one peer support: the one place that decides it.

* Peer support is for members and peer supporters; a therapist, moderator or staff
  account without the member role gets the same answer as for a missing page.
* A connection (request, chat, rating) is seen by its two people only; everyone
  else, moderators included, gets the same :class:`NotFound` as for a missing id.
* Someone can be suggested or asked only while their account is active, not
  suspended site-wide, their profile is listed and no block stands either way.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import User
from kindred.core.access import NotFound
from kindred.core.roles import Role
from kindred.peers.models import (
    Connection,
    ConnectionStatus,
    HiddenSuggestion,
    PeerProfile,
)
from kindred.safety.access import blocked_user_ids

PEER_ROLES = frozenset({Role.MEMBER, Role.PEER_SUPPORTER})


def can_use_peers(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role_names() & PEER_ROLES)


def check_peers_user(user: User | AnonymousUser) -> None:
    """Raise :class:`NotFound` unless ``user`` may use peer support at all."""
    if not can_use_peers(user):
        raise NotFound("page")


def is_supporter(user: User | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.PEER_SUPPORTER))


def own_profile(user: User | AnonymousUser) -> PeerProfile | None:
    if not user.is_authenticated:
        return None
    return PeerProfile.objects.filter(user_id=user.pk).prefetch_related("tags").first()


def access_own_profile(user: User | AnonymousUser) -> PeerProfile:
    """The user's own profile, or NotFound (there is no way to reach anyone else's)."""
    check_peers_user(user)
    profile = own_profile(user)
    if profile is None:
        raise NotFound("profile")
    return profile


def reachable_profiles() -> QuerySet[PeerProfile]:
    """Profiles that may be suggested or asked now, before any per-viewer rule.

    A site-wide suspension (community moderation) or a deactivated account takes
    the person out of peer support too; a suspension from one space does not.
    """
    from kindred.community.models import Suspension

    return PeerProfile.objects.filter(
        is_listed=True,
        user__is_active=True,
        user__in=User.objects.filter(roles__role__in=PEER_ROLES),
    ).exclude(
        Exists(
            Suspension.objects.filter(
                user=OuterRef("user_id"),
                space__isnull=True,
                lifted_at__isnull=True,
                until__gt=timezone.now(),
            )
        )
    )


def is_suspended_sitewide(user: User) -> bool:
    from kindred.community.models import Suspension

    return Suspension.objects.filter(
        user=user, space__isnull=True, lifted_at__isnull=True, until__gt=timezone.now()
    ).exists()


def connected_user_ids(user: User) -> set[int]:
    """Everyone ``user`` has ever asked or been asked by, whatever came of it.

    Suggestions never offer them again: a declined person is not pestered, an
    ended connection is not re-proposed by the machine.
    """
    pairs = Connection.objects.filter(Q(requester=user) | Q(recipient=user)).values_list(
        "requester_id", "recipient_id"
    )
    return {b if a == user.pk else a for a, b in pairs}


def hidden_user_ids(user: User) -> set[int]:
    return set(HiddenSuggestion.objects.filter(user=user).values_list("hidden_id", flat=True))


def excluded_user_ids(user: User) -> set[int]:
    """People never to suggest to ``user``: self, blocked either way, hidden, already asked."""
    return {user.pk} | blocked_user_ids(user) | hidden_user_ids(user) | connected_user_ids(user)


def access_peer(user: User | AnonymousUser, peer_id: int) -> User:
    """Someone ``user`` may send a request to (or hide), else NotFound.

    Blocked, suspended, inactive and unlisted people are indistinguishable from
    ids that do not exist.
    """
    check_peers_user(user)
    if peer_id == user.pk or peer_id in blocked_user_ids(user):
        raise NotFound("person")
    profile = reachable_profiles().filter(user_id=peer_id).select_related("user").first()
    if profile is None:
        raise NotFound("person")
    return profile.user


def access_connection(user: User | AnonymousUser, connection_id: int) -> Connection:
    """A connection ``user`` is one of the two people in, else NotFound."""
    if not can_use_peers(user):
        raise NotFound("connection")
    connection = (
        Connection.objects.select_related("requester", "recipient", "supporter")
        .filter(Q(requester=user) | Q(recipient=user), pk=connection_id)
        .first()
    )
    if connection is None:
        raise NotFound("connection")
    return connection


def visible_connections(user: User | AnonymousUser) -> QuerySet[Connection]:
    """The user's requests and connections, newest first (both directions)."""
    if not can_use_peers(user):
        return Connection.objects.none()
    return (
        Connection.objects.filter(Q(requester=user) | Q(recipient=user))
        .select_related("requester", "recipient", "supporter")
        .order_by("-created_at", "-pk")
    )


def active_caseload(supporter: User) -> int:
    return Connection.objects.filter(supporter=supporter, status=ConnectionStatus.ACTIVE).count()


def status_for(user: User | AnonymousUser, connection: Connection) -> str:
    """The status as ``user`` may see it: a requester never learns of a decline.

    Declined, withdrawn by the other side and closed-before-answer all read
    "not_available" to the person who asked.
    """
    if connection.status == ConnectionStatus.DECLINED and user.pk == connection.requester_id:
        return "not_available"
    return str(connection.status)


STATUS_LABELS = {
    "pending": _("Waiting for an answer"),
    "active": _("Connected"),
    "declined": _("You declined"),
    "not_available": _("Not available"),
    "withdrawn": _("Withdrawn"),
    "ended": _("Ended"),
}
