from __future__ import annotations

from django.template import Context, Template

from kindred.core.languages import language_name, language_names


def test_it_names_languages_from_their_codes() -> None:
    assert language_names(["en", "es", "bn"]) == ["English", "Spanish", "Bengali"]
    assert language_name("zh") == "Chinese"
    assert language_name("bsl") == "British Sign Language"


def test_an_unknown_code_is_shown_as_it_is() -> None:
    assert language_name("xx-unknown") == "xx-unknown"


def test_the_template_filter_joins_the_names() -> None:
    html = Template("{% load ui %}{{ codes|language_names }}").render(
        Context({"codes": ["fr", "asl"]})
    )
    assert html == "French, American Sign Language"
