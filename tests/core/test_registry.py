"""The one registry shape the plug-in points share."""

import pytest

from kindred.core.registry import AlreadyRegistered, NotRegistered, Registry


@pytest.fixture
def colours():
    return Registry[str]("colours")


def test_a_registered_item_is_found_under_its_key(colours):
    assert colours.register("sky", "blue") == "blue"
    assert colours.get("sky") == "blue"
    assert colours["sky"] == "blue"
    assert "sky" in colours
    assert len(colours) == 1


def test_an_unknown_key_raises_a_key_error_that_names_the_registry_and_the_key(colours):
    with pytest.raises(NotRegistered) as raised:
        colours.get("grass")
    assert str(raised.value) == "Nothing is registered in colours as 'grass'."
    # Callers that catch the built-in errors keep working.
    assert isinstance(raised.value, KeyError)
    assert isinstance(raised.value, LookupError)
    with pytest.raises(NotRegistered, match="grass"):
        colours["grass"]


def test_an_unknown_key_gives_the_default_when_one_is_asked_for(colours):
    assert colours.get("grass", None) is None
    assert colours.get("grass", "green") == "green"
    colours.register("grass", "")
    # A falsy item is still an item, not "missing".
    assert colours.get("grass", "green") == ""


def test_a_taken_key_is_refused_and_the_first_item_kept(colours):
    colours.register("sky", "blue")
    with pytest.raises(AlreadyRegistered, match=r"'sky' is already registered in colours"):
        colours.register("sky", "grey")
    assert colours.get("sky") == "blue"


def test_replace_takes_the_old_items_place_in_the_order(colours):
    colours.register("sky", "blue")
    colours.register("grass", "green")
    colours.register("sky", "grey", replace=True)
    assert list(colours.items()) == [("sky", "grey"), ("grass", "green")]


def test_items_keys_and_values_come_in_registration_order(colours):
    for key, item in [("c", "3"), ("a", "1"), ("b", "2")]:
        colours.register(key, item)
    assert list(colours.keys()) == ["c", "a", "b"]
    assert list(colours) == ["c", "a", "b"]
    assert list(colours.values()) == ["3", "1", "2"]
    assert list(colours.items()) == [("c", "3"), ("a", "1"), ("b", "2")]


def test_unregister_removes_and_ignores_an_absent_key(colours):
    colours.register("sky", "blue")
    colours.unregister("sky")
    colours.unregister("sky")
    assert "sky" not in colours
    assert len(colours) == 0
    colours.register("sky", "grey")
    assert colours.get("sky") == "grey"


def test_keys_longer_than_the_limit_are_refused():
    rooms = Registry[str]("room kinds", max_key_length=5)
    rooms.register("abcde", "fits")
    with pytest.raises(ValueError, match="at most 5 characters: 'abcdef'"):
        rooms.register("abcdef", "too long")
    assert "abcdef" not in rooms


def test_the_decorator_registers_and_returns_the_item():
    handlers = Registry[object]("handlers")

    @handlers.registers("greet")
    def greet():
        return "hello"

    assert handlers.get("greet") is greet
    assert greet() == "hello"
    with pytest.raises(AlreadyRegistered):
        handlers.registers("greet")(lambda: "again")


def test_monkeypatch_setitem_swaps_an_item_for_a_test_and_puts_it_back(colours):
    colours.register("sky", "blue")
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(colours, "sky", "grey")
        mp.setitem(colours, "sea", "green")
        assert colours.get("sky") == "grey"
        assert colours.get("sea") == "green"
    assert list(colours.items()) == [("sky", "blue")]


def test_deleting_an_unknown_key_raises(colours):
    with pytest.raises(NotRegistered):
        del colours["sky"]


def test_each_registry_has_its_own_items():
    first, second = Registry[str]("first"), Registry[str]("second")
    first.register("key", "one")
    assert "key" not in second
    assert repr(first) == "<Registry 'first': 1 items>"
