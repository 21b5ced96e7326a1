"""The words page scripts show come from the server, in the reader's language.

A script gets its words with ``kindredStrings("name")`` and shows them with
``t("key")``; the page renders them with ``{% script_strings "name" %}``, from the
catalogue the script's app registers (``kindred/<app>/script_strings.py``). This reads each script and reports:

- a key it asks for that the catalogue does not hold (it would show the bare key);
- a string literal that reads as words for people: a capitalised word, three words
  in a row, or a fragment to glue between other text (" or ", " · call ").

Machine values (event names, selectors, class names, key names, headers) are not
words; the few that look like them are listed in ``NOT_WORDS``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import kindred
from kindred.core.script_strings import SCRIPT_STRINGS

ROOT = Path(kindred.__file__).parent
SCRIPTS = sorted(p for p in ROOT.rglob("static/**/*.js") if "vendor" not in p.parts)
# Comments and strings in one pass, so "//" inside "wss://" is not a comment.
TOKEN = re.compile(r"//[^\n]*|/\*.*?\*/|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'", re.S)
NOT_WORDS = {
    "use strict",
    "Escape",
    "Enter",
    "WebSocket",
    "Accept",
    "X-CSRFToken",
    "DOMContentLoaded",
    "Kindred",  # the name a room's own notices go under
}
CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")
THREE_WORDS = re.compile(r"\b[a-z]{2,} [a-z]{2,} [a-z]{2,}\b")
FRAGMENT = re.compile(r"^\s.*[A-Za-z]{2,}.*\s$")
CATALOGUE = re.compile(r"kindredStrings\(\"(\w+)\"\)")
KEY = re.compile(r"\bt(?:\.nodes)?\(\"(\w+)\"\s*[,)]")


def literals(source: str) -> list[str]:
    return [
        token[1:-1]
        for token in TOKEN.findall(source)
        if token[0] in "\"'" and token[1:-1] not in NOT_WORDS
    ]


def words_for_people(source: str) -> list[str]:
    return [
        text
        for text in literals(source)
        if CAPITALISED.search(text) or THREE_WORDS.search(text) or FRAGMENT.search(text)
    ]


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_script_shows_no_words_of_its_own(path):
    found = words_for_people(path.read_text())
    assert not found, f"{path.relative_to(ROOT)} shows words not from the server: {found}"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_key_a_script_asks_for_is_in_its_catalogue(path):
    source = path.read_text()
    names = CATALOGUE.findall(source)
    keys = set(KEY.findall(source))
    if not names:
        assert not keys, f"{path.relative_to(ROOT)} asks for keys with no catalogue"
        return
    (name,) = names
    held = set(SCRIPT_STRINGS[name])
    # Keys built at run time ("flag_" + level, "risk_" + level) are checked below.
    assert keys <= held, f"{name}: missing {sorted(keys - held)}"


@pytest.mark.parametrize(("name", "prefix"), [("core", "flag_"), ("groups", "risk_")])
def test_every_risk_level_has_its_own_sentence(name, prefix):
    # Levels a live alert can carry: a sentence each, never "a " + level + "-risk".
    assert {f"{prefix}{level}" for level in ("low", "moderate", "high")} <= set(
        SCRIPT_STRINGS[name]
    )


def test_every_catalogue_is_rendered_by_a_template():
    templates = "\n".join(p.read_text() for p in ROOT.rglob("templates/**/*.html"))
    for name in SCRIPT_STRINGS:
        assert f'{{% script_strings "{name}" %}}' in templates, name


def test_the_check_sees_words_and_passes_machine_values():
    source = """
    // A comment with Words in it, and "quotes".
    var url = "wss://" + host;  say("Answers saved."); el("li", "message info");
    node.textContent = "Write to " + handle; join(" or "); x("#list tr[data-seq]");
    y('Enter'); z("you can write again"); t("connected"); c("room-message" + " held");
    """
    assert words_for_people(source) == [
        "Answers saved.",
        "Write to ",
        " or ",
        "you can write again",
    ]
