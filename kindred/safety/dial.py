"""Links a phone opens at one tap: ``tel:`` to call, ``sms:`` to text.

Someone in crisis should not have to copy a number by hand, so every phone number
and text line on the site is rendered through these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

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
