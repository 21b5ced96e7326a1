"""The room-kind registry."""

from __future__ import annotations

import pytest

from kindred.rooms.kinds import get_kind, register_kind, unregister_kind
from tests.rooms.factories import TestRoomKind


def test_a_registered_kind_is_found_and_can_be_replaced():
    first, second = TestRoomKind(), TestRoomKind()
    register_kind("tests.registry", first)
    assert get_kind("tests.registry") is first
    register_kind("tests.registry", second)
    assert get_kind("tests.registry") is second
    unregister_kind("tests.registry")
    with pytest.raises(LookupError, match=r"tests\.registry"):
        get_kind("tests.registry")


def test_kind_names_fit_the_column():
    with pytest.raises(ValueError, match="40 characters"):
        register_kind("x" * 41, TestRoomKind())
