"""Language names for people: "Spanish", not "es".

Profiles store short codes (ISO 639-1, plus sign languages); pages show the name in
the reader's language, from Django's own list (translated with Django's catalogue).
Codes Django does not know are named here.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.functional import Promise
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

_OTHER_LANGUAGES: dict[str, Promise] = {
    "zh": _("Chinese"),
    "bsl": _("British Sign Language"),
    "asl": _("American Sign Language"),
}


def language_name(code: str) -> str:
    """The language's name in the active language; the code itself if nobody knows it."""
    if code in _OTHER_LANGUAGES:
        return str(_OTHER_LANGUAGES[code])
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def language_names(codes: Iterable[str] | str) -> list[str]:
    if isinstance(codes, str):
        codes = [codes]
    return [language_name(code) for code in codes]
