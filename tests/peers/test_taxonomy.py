import pytest

from kindred.peers import taxonomy
from kindred.peers.taxonomy import (
    AVAILABILITY_SLOTS,
    CATEGORIES,
    SEEKS,
    TAGS,
    tags_by_category,
    validate_slots,
    validate_tags,
)


def test_every_tag_is_well_formed():
    assert len(TAGS) >= 30
    for tag_id, tag in TAGS.items():
        assert tag.id == tag_id
        assert "." in tag_id
        assert tag.label and tag.label[0].isupper()
        assert tag.category in CATEGORIES
        assert 0 < tag.specificity <= 1


def test_specific_experiences_weigh_more_than_common_ones():
    assert TAGS["bereavement.child"].specificity > TAGS["bereavement.parent"].specificity
    assert TAGS["chronic_illness.ms"].specificity > TAGS["condition.anxiety"].specificity


def test_validate_tags_keeps_order_and_drops_duplicates():
    ids = ["recovery.alcohol", "bereavement.parent", "recovery.alcohol"]
    assert validate_tags(ids) == ["recovery.alcohol", "bereavement.parent"]


def test_validate_tags_names_every_unknown_id():
    with pytest.raises(ValueError, match=r"made\.up.*nope\.x"):
        validate_tags(["bereavement.parent", "nope.x", "made.up"])


def test_validate_slots():
    assert validate_slots(["mon_evening", "sun_morning"]) == ["mon_evening", "sun_morning"]
    with pytest.raises(ValueError, match="mon_night"):
        validate_slots(["mon_night"])


def test_tags_by_category_covers_every_tag_once():
    grouped = tags_by_category()
    assert list(grouped) == list(CATEGORIES)
    assert all(grouped[c] for c in CATEGORIES)
    ids = [t.id for tags in grouped.values() for t in tags]
    assert sorted(ids) == sorted(TAGS)


def test_slots_cover_the_week():
    assert len(AVAILABILITY_SLOTS) == 21
    assert AVAILABILITY_SLOTS["mon_evening"] == "Monday evenings"
    assert AVAILABILITY_SLOTS["sun_morning"] == "Sunday mornings"
    assert SEEKS == ("support", "give_support", "both")
    assert set(taxonomy.SEEKS_LABELS) == set(SEEKS)
