"""The caps on open room sockets, counted in the shared cache in expiring buckets."""

from __future__ import annotations

import pytest

from kindred.rooms import sockets
from kindred.rooms.sockets import SLOT_WINDOW_SECONDS, SocketSlot, slot_keys


@pytest.fixture
def clock(monkeypatch):
    now = [1_000_000 * SLOT_WINDOW_SECONDS + 1.0]
    monkeypatch.setattr(sockets.time, "time", lambda: now[0])
    return now


@pytest.fixture
def caps(settings):
    settings.ROOM_SOCKETS_PER_USER = 2
    settings.ROOM_SOCKETS_PER_ADDRESS = 3
    return settings


def test_a_person_gets_up_to_the_cap_and_a_closed_socket_frees_its_place(caps, clock):
    first, second, third = (SocketSlot(slot_keys(1, "10.0.0.1")) for _ in range(3))
    assert first.take() and second.take()
    assert not third.take()
    first.release()
    assert third.take()


def test_an_address_is_capped_across_people_and_ipv6_counts_per_64(caps, clock):
    assert all(SocketSlot(slot_keys(user, "2001:db8::1")).take() for user in (1, 2, 3))
    assert not SocketSlot(slot_keys(4, "2001:db8::ffff")).take()
    assert SocketSlot(slot_keys(4, "2001:db8:1::1")).take()


def test_a_refused_socket_takes_no_place(caps, clock):
    for _ in range(2):
        assert SocketSlot(slot_keys(1, "10.0.0.1")).take()
    for _ in range(5):
        assert not SocketSlot(slot_keys(1, "10.0.0.1")).take()
    # The address counted only the two that were let in.
    assert SocketSlot(slot_keys(2, "10.0.0.1")).take()
    assert not SocketSlot(slot_keys(3, "10.0.0.1")).take()


def test_a_live_socket_keeps_counting_across_windows_through_its_pings(caps, clock):
    slots = [SocketSlot(slot_keys(1, "")) for _ in range(2)]
    assert all(slot.take() for slot in slots)
    for _ in range(4):
        clock[0] += SLOT_WINDOW_SECONDS * 0.6
        for slot in slots:
            slot.refresh()
        assert not SocketSlot(slot_keys(1, "")).take()


def test_the_sockets_of_a_process_that_died_stop_counting_within_two_windows(caps, clock):
    for _ in range(2):
        assert SocketSlot(slot_keys(1, "")).take()  # never released, never refreshed
    clock[0] += SLOT_WINDOW_SECONDS
    assert not SocketSlot(slot_keys(1, "")).take()
    clock[0] += SLOT_WINDOW_SECONDS
    assert SocketSlot(slot_keys(1, "")).take()


def test_a_cache_that_fails_lets_everyone_in(caps, clock, monkeypatch):
    def broken():
        raise ConnectionError("redis is down")

    monkeypatch.setattr(sockets, "shared_cache", broken)
    slots = [SocketSlot(slot_keys(1, "10.0.0.1")) for _ in range(5)]
    assert all(slot.take() for slot in slots)
    slots[0].refresh()
    slots[0].release()
