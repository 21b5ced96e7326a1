"""The held-content registry: the flag page finds and releases held items through it."""

import pytest

from kindred.audit.models import AuditEvent
from kindred.safety import actions, heldcontent
from kindred.safety.models import FlagKind

SOURCE = "tests.held"


class FakeHeld:
    """Held items by id; ``release`` shows one (or refuses, as a real app would)."""

    def __init__(self):
        self.held = {"7"}
        self.released = []
        self.asked = []

    def is_held(self, source_id):
        self.asked.append(source_id)
        return source_id in self.held

    def release(self, moderator, source_id):
        if source_id not in self.held:
            raise actions.SafetyActionError("gone")
        self.held.discard(source_id)
        self.released.append((moderator.pk, source_id))


@pytest.fixture
def fake():
    fake = FakeHeld()
    heldcontent.register(SOURCE, is_held=fake.is_held, release=fake.release, noun="test note")
    yield fake
    heldcontent.unregister(SOURCE)


def _flag(member, source_type=SOURCE, source_id="7"):
    return actions.do_raise_flag(
        kind=FlagKind.RISK,
        subject=member,
        text="words",
        source_type=source_type,
        source_id=source_id,
        level="high",
    )


def test_the_rooms_and_community_apps_register_their_held_content():
    assert "rooms.message" in heldcontent.HELD_KINDS
    assert "community.post" in heldcontent.HELD_KINDS
    assert heldcontent.HELD_KINDS["rooms.message"].noun == "room message"
    assert heldcontent.HELD_KINDS["rooms.message"].action_label == "Release to the room"


def test_held_item_names_a_held_item(fake, member):
    item = heldcontent.held_item(_flag(member))
    assert item is not None
    assert (item.noun, item.action_label, item.done_message) == (
        "test note",
        "Release",
        "Released: others can see it now.",
    )


def test_held_item_is_none_for_unregistered_types_missing_ids_and_unheld_items(fake, member):
    assert heldcontent.held_item(_flag(member, source_type="tests.unknown")) is None
    assert heldcontent.held_item(_flag(member, source_id="")) is None
    assert heldcontent.held_item(_flag(member, source_id="8")) is None
    # Neither an unregistered type nor an empty id asks the app at all.
    assert fake.asked == ["8"]


def test_do_release_releases_and_audits_on_the_flag(fake, member, moderator):
    flag = _flag(member)
    released = heldcontent.do_release(moderator, flag)
    assert released.done_message == "Released: others can see it now."
    assert fake.released == [(moderator.pk, "7")]
    event = AuditEvent.objects.get(event="safety.flag_content_released")
    assert (event.actor_id, event.target_type, event.target_id) == (
        moderator.pk,
        "safety.flag",
        str(flag.pk),
    )
    assert event.changes == {"source_type": SOURCE, "source_id": "7"}


def test_nothing_held_is_a_clear_error_and_audits_nothing(fake, member, moderator):
    flag = _flag(member)
    heldcontent.do_release(moderator, flag)
    with pytest.raises(actions.SafetyActionError, match="Nothing from this flag is held"):
        heldcontent.do_release(moderator, flag)
    with pytest.raises(actions.SafetyActionError, match="Nothing from this flag is held"):
        heldcontent.do_release(moderator, _flag(member, source_type="tests.unknown"))
    assert fake.released == [(moderator.pk, "7")]
    assert AuditEvent.objects.filter(event="safety.flag_content_released").count() == 1


def test_a_refused_release_rolls_back_and_audits_nothing(fake, member, moderator, monkeypatch):
    flag = _flag(member)
    # The app finds it released between the check and its own locked read.
    monkeypatch.setattr(fake, "is_held", lambda source_id: True)
    fake.held.clear()
    heldcontent.register(SOURCE, is_held=fake.is_held, release=fake.release, noun="test note")
    with pytest.raises(actions.SafetyActionError, match="gone"):
        heldcontent.do_release(moderator, flag)
    assert not AuditEvent.objects.filter(event="safety.flag_content_released").exists()


def test_a_closed_flag_releases_nothing(fake, member, moderator):
    flag = actions.do_resolve(moderator, _flag(member), "no_action")
    with pytest.raises(actions.SafetyActionError, match="already closed"):
        heldcontent.do_release(moderator, flag)
    assert fake.released == []
