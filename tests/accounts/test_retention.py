"""Expired sign-in sessions are deleted; live ones stay."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from kindred.accounts.retention import purge_expired_sessions


def _session(expires_in: timedelta) -> str:
    store = SessionStore()
    store["x"] = 1
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() + expires_in)
    return str(store.session_key)


def test_sessions_expired_before_the_cutoff_go(db):
    old = _session(-timedelta(days=31))
    recent = _session(-timedelta(days=1))
    live = _session(timedelta(days=1))
    cutoff = timezone.now() - timedelta(days=30)
    assert purge_expired_sessions(cutoff, 500) == 1
    assert set(Session.objects.values_list("pk", flat=True)) == {recent, live}
    assert old not in set(Session.objects.values_list("pk", flat=True))
