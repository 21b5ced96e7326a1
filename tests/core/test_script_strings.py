"""``{% script_strings %}``: a script's words, rendered in the reader's language as inert JSON."""

from __future__ import annotations

import json
import re

import pytest
from django.template import Context, Template
from django.utils import translation

from kindred.core.registry import AlreadyRegistered
from kindred.core.script_strings import SCRIPT_STRINGS, register_script_strings


def rendered(name: str) -> str:
    return Template('{% load ui %}{% script_strings "' + name + '" %}').render(Context())


@pytest.mark.parametrize("name", sorted(SCRIPT_STRINGS))
def test_each_catalogue_renders_as_a_json_element_of_plain_text(name):
    html = rendered(name)
    match = re.fullmatch(
        rf'<script id="strings-{name}" type="application/json">(.*)</script>', html, re.S
    )
    assert match, html
    assert json.loads(match.group(1)) == {
        key: str(text) for key, text in SCRIPT_STRINGS[name].items()
    }


@pytest.fixture
def probe():
    def _register(strings):
        register_script_strings("probe", strings)

    yield _register
    SCRIPT_STRINGS.unregister("probe")


def test_the_words_are_in_the_language_active_when_the_page_renders(probe):
    probe({"yes": translation.gettext_lazy("Yes")})
    with translation.override("fr"):
        french = json.loads(re.sub(r"<[^>]+>", "", rendered("probe")))
    # Django ships French for "Yes": the lazy text is resolved at render, not import.
    assert french == {"yes": "Oui"}


def test_text_that_could_close_the_element_is_escaped(probe):
    probe({"x": "</script><script>alert(1)</script>"})
    html = rendered("probe")
    assert html.count("</script>") == 1 and "\\u003C/script\\u003E" in html


def test_every_app_with_a_script_registers_its_words():
    assert set(SCRIPT_STRINGS) >= {"core", "rooms", "groups", "measures"}


def test_a_name_taken_twice_is_refused(probe):
    probe({})
    with pytest.raises(AlreadyRegistered):
        register_script_strings("probe", {})


def test_placeholders_are_gettext_names_the_scripts_can_fill():
    for name, strings in SCRIPT_STRINGS.items():
        for key, text in strings.items():
            leftovers = re.sub(r"%\(\w+\)s", "", str(text))
            assert "%" not in leftovers and "{" not in leftovers, (name, key)
