"""Every word a template shows is marked for translation.

Kindred will speak more than English, and a string that is not marked never reaches
a translator: it stays English on an otherwise translated page. This reads each
Django template's source (no rendering), drops what ``{% translate %}`` and
``{% blocktranslate %}`` already mark, and reports text that a person sees — text
between tags and the attributes read aloud or shown (``title``, ``alt``,
``placeholder``, ``aria-label``, a button's ``value``) — that still holds words.
Comments, ``<script>``/``<style>``/``<code>`` bodies, template syntax and
``{% block *_attrs %}``/``{% block *_class %}`` (attributes for a parent template's tag)
are not text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template import engines
from django.template.base import Lexer, TokenType
from django.utils.translation import templatize

import kindred
from kindred.core.jinja import environment as jinja_environment

ROOT = Path(kindred.__file__).parent
TEMPLATES = sorted(p for p in ROOT.rglob("templates/**/*.html"))
JINJA_TEMPLATES = sorted((ROOT / "jinja2").rglob("*.html"))
# A stand-in for template syntax: never a letter, never markup. The spaces keep
# ``<li{% if x %} class="on"{% endif %}>`` a start tag for the HTML parser.
MARK = "\x00"
HOLE = f" {MARK} "
WORD = re.compile(r"[^\W\d_]{2,}")
SHOWN_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description"}
TRANSLATE_TAG = re.compile(r"{%\s*(block)?trans(late)?\b")
NOT_TEXT = {"script", "style", "code"}
OPENS_BLOCK = {"blocktranslate", "blocktrans", "comment", "verbatim"}


def _visible_source(source: str) -> str:
    """The template's markup with every template tag, variable and translated
    block replaced by a hole, so only literal text and markup are left."""
    out: list[str] = []
    closing: str | None = None
    for token in Lexer(source).tokenize():
        if closing is not None:
            if token.token_type is TokenType.BLOCK and token.contents.split()[0] == closing:
                closing = None
            continue
        if token.token_type is TokenType.TEXT:
            out.append(token.contents)
            continue
        if token.token_type is TokenType.BLOCK:
            words = token.contents.split()
            if words and words[0] in OPENS_BLOCK:
                closing = "end" + words[0]
            elif words[:1] == ["block"] and words[1].endswith(("_attrs", "_class")):
                # Attributes or class names for a tag in the parent template, not text.
                closing = "endblock"
        out.append(HOLE)
    return "".join(out)


def _visible_jinja_source(source: str) -> str:
    """The same for the Jinja2 hot-loop templates (``_()`` and ``{% trans %}``)."""
    out: list[str] = []
    in_trans = False
    previous = ""
    for _line, kind, value in jinja_environment().lex(source):
        if kind == "name" and previous == "block_begin":
            in_trans = {"trans": True, "endtrans": False}.get(value, in_trans)
        if kind != "whitespace":
            previous = kind
        out.append(value if kind == "data" and not in_trans else HOLE)
    return "".join(out)


class _Untranslated(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in NOT_TEXT:
            self._skip += 1
        shown = dict(attrs)
        for name, value in attrs:
            is_label = name in SHOWN_ATTRIBUTES or (
                name == "value" and tag == "input" and shown.get("type") in {"submit", "button"}
            )
            if is_label and value and WORD.search(value.replace(MARK, " ")):
                self.found.append(f'<{tag} {name}="{" ".join(value.replace(MARK, "…").split())}">')

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in NOT_TEXT:
            self._skip -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in NOT_TEXT and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        text = " ".join(data.replace(MARK, " ").split())
        if not self._skip and WORD.search(text):
            self.found.append(text)


def untranslated(source: str, *, jinja: bool = False) -> list[str]:
    parser = _Untranslated()
    parser.feed(_visible_jinja_source(source) if jinja else _visible_source(source))
    parser.close()
    return parser.found


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shown_word_is_marked_for_translation(path):
    found = untranslated(path.read_text())
    assert not found, f"{path.relative_to(ROOT)} shows text that is not marked: {found[:8]}"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_template_compiles_and_makemessages_can_read_it(path):
    # Compiling parses every branch, and ``templatize`` is what ``makemessages`` runs
    # before xgettext: it refuses what a translator could never be given (a tag inside
    # a blocktranslate). Both reach branches that no test renders.
    source = path.read_text()
    engines["django"].from_string(source)
    extracted = templatize(source, origin=str(path))
    assert ("gettext(" in extracted) == bool(TRANSLATE_TAG.search(source))


@pytest.mark.parametrize("path", JINJA_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shown_word_in_a_jinja_template_is_marked(path):
    found = untranslated(path.read_text(), jinja=True)
    assert not found, f"{path.relative_to(ROOT)} shows text that is not marked: {found[:8]}"


def test_the_check_reads_jinja_templates_too():
    source = (
        '<b>{{ _("Edit") }}</b><i>Delete</i>{% trans %}Hidden{% endtrans %}'
        '{# note #}<input placeholder="{{ _(\'Reason\') }}"><a title="Open">x</a>'
    )
    assert untranslated(source, jinja=True) == ["Delete", '<a title="Open">']


def test_the_check_sees_text_and_labels_and_passes_marked_ones():
    source = (
        "{% load i18n %}<h1>Peer support</h1>"
        '<a href="{% url "home" %}" aria-label="Home page">{% translate "Home" %}</a>'
        '<input type="submit" value="Send"><input type="hidden" value="abc">'
        "{% blocktranslate with n=count %}{{ n }} replies{% endblocktranslate %}"
        "{# a note #}{% comment %}Not shown{% endcomment %}"
        "<script>const label = 'never shown';</script><p>{{ user.handle }} · 3</p>"
        '<li{% if on %} class="on"{% endif %}>{% translate "Item" %}</li>'
        '{% block body_attrs %} data-page="home"{% endblock %}'
        "{% block main_class %}page page-wide{% endblock %}<code>--color-ink</code>"
    )
    assert untranslated(source) == [
        "Peer support",
        '<a aria-label="Home page">',
        '<input value="Send">',
    ]
