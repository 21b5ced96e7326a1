"""One shape for every plug-in point: a named, typed registry of items by key.

Lower apps never import higher ones: when a low app needs something from a high one, the
high one registers it into a registry the low app owns, from its ``AppConfig.ready()`` or
at import::

    ROOM_KINDS = Registry[RoomKind]("room kinds")
    ROOM_KINDS.register("groups.session", SessionRoomKind())
    ROOM_KINDS.get("groups.session")  # NotRegistered for an unknown key

Registering a key twice is refused unless the caller says ``replace=True``: two apps
choosing the same key would otherwise silently take each other's place. Items come back
in registration order, so whatever a registry feeds (a page's sections, a list of
sources) is in a stable order.
"""

from __future__ import annotations

from collections.abc import Callable, ItemsView, Iterator, KeysView, ValuesView
from typing import Generic, TypeVar, overload

T = TypeVar("T")
D = TypeVar("D")


class NotRegistered(KeyError):
    """No item under this key. A ``KeyError`` (so a ``LookupError``) with a readable message."""

    def __str__(self) -> str:
        # KeyError's own str() quotes its argument, which reads badly in a message.
        return str(self.args[0]) if self.args else ""


class AlreadyRegistered(ValueError):
    """The key is taken, and the caller did not ask to replace it."""


_MISSING: object = object()


class Registry(Generic[T]):
    """Items of type ``T`` by string key, in registration order.

    ``name`` (plural, e.g. ``"room kinds"``) appears in error messages. ``max_key_length``
    is for keys that end up in a database column of that size.
    """

    def __init__(self, name: str, *, max_key_length: int | None = None) -> None:
        self.name = name
        self.max_key_length = max_key_length
        self._items: dict[str, T] = {}

    def __repr__(self) -> str:
        return f"<Registry {self.name!r}: {len(self._items)} items>"

    def register(self, key: str, item: T, *, replace: bool = False) -> T:
        """Add ``item`` under ``key`` and return it. A taken key raises
        :class:`AlreadyRegistered` unless ``replace`` (the item then keeps its place)."""
        if self.max_key_length is not None and len(key) > self.max_key_length:
            raise ValueError(
                f"Keys of the {self.name} registry are at most "
                f"{self.max_key_length} characters: {key!r}"
            )
        if key in self._items and not replace:
            raise AlreadyRegistered(f"{key!r} is already registered in {self.name}.")
        self._items[key] = item
        return item

    def registers(self, key: str, *, replace: bool = False) -> Callable[[T], T]:
        """Decorator form of :meth:`register`: ``@SOURCES.registers("groups")``."""

        def decorator(item: T) -> T:
            return self.register(key, item, replace=replace)

        return decorator

    def unregister(self, key: str) -> None:
        """Remove ``key``; nothing happens when it is absent (tests tidy up with this)."""
        self._items.pop(key, None)

    @overload
    def get(self, key: str) -> T: ...

    @overload
    def get(self, key: str, default: D) -> T | D: ...

    def get(self, key: str, default: object = _MISSING) -> object:
        """The item under ``key``; ``default`` when given and the key is unknown, else
        :class:`NotRegistered`."""
        try:
            return self._items[key]
        except KeyError:
            if default is not _MISSING:
                return default
            raise NotRegistered(f"Nothing is registered in {self.name} as {key!r}.") from None

    def keys(self) -> KeysView[str]:
        return self._items.keys()

    def values(self) -> ValuesView[T]:
        return self._items.values()

    def items(self) -> ItemsView[str, T]:
        return self._items.items()

    def __getitem__(self, key: str) -> T:
        return self.get(key)

    def __setitem__(self, key: str, item: T) -> None:
        # Dict-style assignment replaces, as it does on a dict, so that pytest's
        # ``monkeypatch.setitem`` can swap an item for one test and put it back.
        self.register(key, item, replace=True)

    def __delitem__(self, key: str) -> None:
        if key not in self._items:
            raise NotRegistered(f"Nothing is registered in {self.name} as {key!r}.")
        del self._items[key]

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)
