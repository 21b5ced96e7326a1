"""The shipped library, and loud failure on a broken definition file."""

from __future__ import annotations

import json
import shutil

import pytest

from kindred.measures.definitions import (
    INSTRUMENTS_DIR,
    DefinitionError,
    LicenceTerms,
    UnknownInstrument,
    get_definition,
    get_library,
    load_definition,
    load_definitions,
)

SHIPPED = {"phq9", "phq2", "gad7", "gad2", "who5", "audit", "auditc", "pcl5", "dast10"}


def test_it_ships_exactly_the_agreed_instruments():
    assert set(get_library()) == SHIPPED


def test_it_does_not_ship_licensed_or_out_of_scope_instruments():
    names = " ".join(f"{d.id} {d.name} {d.title}" for d in get_library().values()).lower()
    for absent in ("c-ssrs", "columbia", "outcome rating", "session rating", "stanley"):
        assert absent not in names


def test_only_dast10_needs_a_licence_confirmation():
    terms = {d.id: d.licence.terms for d in get_library().values()}
    assert terms.pop("dast10") == LicenceTerms.NON_COMMERCIAL
    assert set(terms.values()) == {LicenceTerms.FREE}


@pytest.mark.parametrize(
    ("instrument_id", "panel", "total"),
    [
        ("phq9", "44249-1", "44261-6"),
        ("phq2", "55757-9", "55758-7"),
        ("gad7", "69737-5", "70274-6"),
        ("auditc", "72109-2", "75626-2"),
        ("audit", None, "75624-7"),
        ("gad2", None, None),
        ("who5", None, None),
        ("pcl5", None, None),
        ("dast10", None, None),
    ],
)
def test_loinc_codes(instrument_id, panel, total):
    loinc = get_definition(instrument_id).loinc
    assert (loinc.panel, loinc.total) == (panel, total)
    if total is None:
        assert "could not verify" in loinc.note


def test_phq9_flags_item_9_above_zero():
    (critical,) = get_definition("phq9").critical_items
    assert (critical.item, critical.op, critical.value) == ("q9", "gt", 0)


def test_every_rule_cites_a_source():
    for definition in get_library().values():
        sources = [
            definition.source,
            definition.scoring.source,
            definition.bands.source,
            definition.missing.source,
            definition.licence.source,
            *(t.source for t in definition.thresholds),
            *(c.source for c in definition.critical_items),
            *(r.source for r in definition.skip_rules),
        ]
        if definition.reliable_change:
            sources += [
                definition.reliable_change.reliability_source,
                definition.reliable_change.sd_source,
            ]
        assert all(len(s) > 20 for s in sources), definition.id


def test_an_unknown_instrument_says_so():
    with pytest.raises(UnknownInstrument, match="No instrument called 'cssrs'"):
        get_definition("cssrs")


# --- broken files -----------------------------------------------------------------------


@pytest.fixture
def phq9_file(tmp_path):
    path = tmp_path / "phq9.json"
    shutil.copy(INSTRUMENTS_DIR / "phq9.json", path)
    return path


def rewrite(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_an_unchanged_copy_loads(phq9_file):
    assert load_definition(phq9_file) == get_definition("phq9")


def _band_gap(d):
    d["bands"]["ranges"][1]["min"] = 6


def _band_overlap(d):
    d["bands"]["ranges"][1]["min"] = 4


def _bands_short(d):
    d["bands"]["ranges"][-1]["max"] = 26


def _wrong_max(d):
    d["scoring"]["max"] = 30


def _typo_key(d):
    d["scoring_rule"] = d.pop("scoring")


def _no_source(d):
    del d["critical_items"][0]["source"]


def _critical_unknown_item(d):
    d["critical_items"][0]["item"] = "q99"


def _duplicate_value(d):
    d["response_options"][1]["value"] = 0


def _prorate_without_limit(d):
    d["missing"]["max_missing"] = 0


def _reliability_above_one(d):
    d["reliable_change"]["reliability"] = 1.2


def _bad_licence(d):
    d["licence"]["terms"] = "probably fine"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_band_gap, r"no gap or overlap; band mild starts at 6, expected 5"),
        (_band_overlap, r"band mild starts at 4, expected 5"),
        (_bands_short, r"bands end at 26, but the scale goes up to 27"),
        (_wrong_max, r"scoring min/max 0–30 do not match the items, which give 0–27"),
        (_typo_key, r"scoring_rule: Extra inputs are not permitted"),
        (_no_source, r"critical_items\.0\.source: Field required"),
        (_critical_unknown_item, r"critical item names unknown item 'q99'"),
        (_duplicate_value, r"item q1 repeats a response value"),
        (_prorate_without_limit, r"a 'prorate' rule needs max_missing ≥ 1"),
        (_reliability_above_one, r"reliable_change\.reliability: Input should be less than 1"),
        (_bad_licence, r"licence\.terms: Input should be 'free', 'non_commercial'"),
    ],
)
def test_a_broken_definition_fails_loudly_naming_the_file(phq9_file, change, message):
    rewrite(phq9_file, change)
    with pytest.raises(
        DefinitionError, match=r"Instrument file phq9\.json is invalid: .*" + message
    ):
        load_definition(phq9_file)


def test_malformed_json_names_the_file(tmp_path):
    path = tmp_path / "gad7.json"
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"gad7\.json: cannot read JSON"):
        load_definition(path)


def test_the_file_name_must_match_the_id(phq9_file):
    renamed = phq9_file.rename(phq9_file.with_name("depression.json"))
    with pytest.raises(
        DefinitionError, match=r"declares id 'phq9'; the file must be named phq9\.json"
    ):
        load_definition(renamed)


def test_one_bad_file_stops_the_whole_library(tmp_path, phq9_file):
    shutil.copy(INSTRUMENTS_DIR / "gad7.json", tmp_path / "gad7.json")
    rewrite(tmp_path / "gad7.json", _wrong_max)
    with pytest.raises(DefinitionError, match=r"gad7\.json is invalid"):
        load_definitions(tmp_path)


def test_an_empty_directory_is_an_error(tmp_path):
    with pytest.raises(DefinitionError, match="No instrument files"):
        load_definitions(tmp_path)
