"""Database rules of the peer models: one live connection per pair, ratings 1–5."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from kindred.peers.models import Connection, ConnectionStatus, PeerProfile, Rating, Training

pytestmark = pytest.mark.django_db


def test_one_live_connection_per_pair_whichever_side_asked(member, member2):
    first = Connection.objects.create(requester=member, recipient=member2)
    assert (first.pair_low, first.pair_high) == tuple(sorted((member.pk, member2.pk)))
    with pytest.raises(IntegrityError), transaction.atomic():
        Connection.objects.create(requester=member2, recipient=member)
    first.status = ConnectionStatus.ENDED
    first.save()
    # Once it has ended they may connect again.
    Connection.objects.create(requester=member2, recipient=member)


def test_nobody_connects_with_themselves(member):
    with pytest.raises(IntegrityError), transaction.atomic():
        Connection.objects.create(requester=member, recipient=member)


def test_ratings_are_one_to_five_once_per_person(member, member2):
    conn = Connection.objects.create(requester=member, recipient=member2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(connection=conn, rater=member, stars=6)
    Rating.objects.create(connection=conn, rater=member, stars=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(connection=conn, rater=member, stars=4)


def test_caseload_limit_is_bounded_in_the_database(peer_supporter):
    with pytest.raises(IntegrityError), transaction.atomic():
        PeerProfile.objects.create(user=peer_supporter, caseload_limit=0)


def test_a_training_without_expiry_never_expires(peer_supporter):
    profile = PeerProfile.objects.create(user=peer_supporter)
    forever = Training.objects.create(profile=profile, name="x", completed_on=date(2020, 1, 1))
    dated = Training.objects.create(
        profile=profile, name="y", completed_on=date(2020, 1, 1), expires_on=date(2021, 1, 1)
    )
    assert not forever.is_expired(date(2030, 1, 1))
    assert dated.is_expired(date(2021, 1, 2)) and not dated.is_expired(date(2021, 1, 1))
