"""Twenty concurrent "share" clicks on PostgreSQL make exactly one live grant."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from kindred.consent import actions as consent_actions
from kindred.consent import grants
from kindred.consent.models import ConsentGrant

RACERS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_grants_make_one_live_grant(care_team, member, peer_supporter):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's in-memory test database is not shared by threads")
    barrier = threading.Barrier(RACERS)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def race():
        try:
            barrier.wait(timeout=30)
            consent_actions.do_grant(member, peer_supporter.pk, grants.MEASURE_TRENDS)
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race) for _ in range(RACERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert ConsentGrant.objects.filter(member=member, revoked_at__isnull=True).count() == 1
    assert grants.has_grant(peer_supporter, member, grants.MEASURE_TRENDS)
