"""Who may see and do what in the care app. The one place these rules live.

* A member sees and changes only their own team, grants, suggestions and timeline (the
  views filter by ``request.user``; actions look rows up with ``member=user``).
* What a member shares: :mod:`kindred.consent.grants` (:func:`access_shared`,
  :func:`access_sharing_member`) — without a live grant, the same :class:`NotFound` as
  for a member who does not exist.
* Who may suggest something to a member (:func:`access_referable_member`): a therapist
  (with their second factor) a group, space or peer connection to a client they treat;
  a peer supporter or facilitator on the member's team that they consider therapy.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from kindred.accounts.access import has_mfa
from kindred.accounts.models import User
from kindred.bookings.relationships import clients_of
from kindred.care.models import ReferralKind
from kindred.consent.grants import access_shared, access_sharing_member
from kindred.consent.team import team_people
from kindred.core.access import NotFound
from kindred.core.roles import Role

__all__ = [
    "PEER_KINDS",
    "THERAPIST_KINDS",
    "access_referable_member",
    "access_shared",
    "access_sharing_member",
    "referral_kinds_for",
    "team_people",
]

# What each side of the line may suggest: therapists point clients to peer support,
# peer supporters (and facilitators) suggest considering therapy.
THERAPIST_KINDS = (ReferralKind.GROUP, ReferralKind.SPACE, ReferralKind.PEER)
PEER_KINDS = (ReferralKind.THERAPY,)
PEER_KINDS_STR = tuple(str(k) for k in PEER_KINDS)
PEER_RELATIONS = ("peer_supporter", "facilitator")


def referral_kinds_for(author: User | AnonymousUser, member: User) -> tuple[str, ...]:
    """What ``author`` may suggest to ``member``: nothing unless they are in their care."""
    if not author.is_authenticated or author.pk == member.pk:
        return ()
    kinds: list[str] = []
    if (
        author.has_role(Role.THERAPIST)
        and has_mfa(author)
        and clients_of(author).filter(pk=member.pk).exists()
    ):
        kinds += THERAPIST_KINDS
    if author.has_role(Role.PEER_SUPPORTER) and team_people(member).get(author.pk, set()) & set(
        PEER_RELATIONS
    ):
        kinds += PEER_KINDS
    return tuple(str(k) for k in kinds)


def access_referable_member(
    author: User | AnonymousUser, member_id: int | str
) -> tuple[User, tuple[str, ...]]:
    """A member ``author`` may suggest something to, or :class:`NotFound`."""
    try:
        member = User.objects.filter(pk=int(member_id), is_active=True).first()
    except (TypeError, ValueError):
        member = None
    kinds = referral_kinds_for(author, member) if member is not None else ()
    if member is None or not kinds:
        raise NotFound("member")
    return member, kinds
