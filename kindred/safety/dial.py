"""Links a phone opens at one tap: ``tel:`` to call, ``sms:`` to text.

Someone in crisis should not have to copy a number by hand, so every phone number
and text line on the site is rendered through these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# "112 or 999", "112, 999", "112 / 999": several numbers in one field.
_SEPARATORS = re.compile(r"\s*(?:,|/|\bor\b)\s*", re.IGNORECASE)


def dial_digits(number: str) -> str:
    """What a dialler needs: the digits, and a leading ``+`` if the number has one."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return ("+" + digits) if number.strip().startswith("+") and digits else digits


def tel_uri(number: str) -> str:
    digits = dial_digits(number)
    return f"tel:{digits}" if digits else ""


def sms_uri(number: str, body: str = "") -> str:
    """``sms:741741?&body=HOME``: the ``?&`` form prefills the body on iOS and Android alike."""
    digits = dial_digits(number)
    if not digits:
        return ""
    return f"sms:{digits}?&body={quote(body)}" if body else f"sms:{digits}"


@dataclass(frozen=True)
class Dial:
    label: str
    uri: str


def split_numbers(text: str) -> list[Dial]:
    """Each number in an emergency field such as ``112 or 999``, with its ``tel:`` link."""
    parts = [part.strip() for part in _SEPARATORS.split(text or "")]
    return [Dial(part, tel_uri(part)) for part in parts if tel_uri(part)]


# A phone number inside free text: an optional "+", then digits with the spaces, dots,
# dashes and brackets people write them with; at least 5 digits (MIN_DIGITS), so "3
# walks" or a year stays text; "116 123" (Samaritans) has six and is a number.
_NUMBER_IN_TEXT = re.compile(r"(?<![\w+])(\+?\(?\d[\d\s().-]{3,}\d)(?!\w)")
MIN_DIGITS = 5


def link_phone_numbers(text: str) -> SafeString:
    """``text`` escaped, with each phone number in it a ``tel:`` link.

    For what people write themselves ("Mum 07700 900123"), where a number is not in
    a field of its own. Only long runs of digits count, so dates and counts stay text.
    """
    out: list[str] = []
    last = 0
    for match in _NUMBER_IN_TEXT.finditer(text):
        number = match.group(1).strip()
        if sum(ch.isdigit() for ch in number) < MIN_DIGITS or _looks_like_a_date(number):
            continue
        start, end = match.start(1), match.start(1) + len(number)
        out.append(escape(text[last:start]))
        out.append(format_html('<a href="{}" class="tel">{}</a>', tel_uri(number), number))
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(str(part) for part in out))  # noqa: S308 - every part escaped above


def _looks_like_a_date(number: str) -> bool:
    return bool(re.fullmatch(r"\d{1,4}[-./]\d{1,2}[-./]\d{1,4}", number))
