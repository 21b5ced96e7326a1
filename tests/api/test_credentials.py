"""Token strings: format, parse."""

from __future__ import annotations

import pytest

from kindred.api.credentials import format_token, parse_token
from kindred.core.secrets import new_public_id, new_secret


def test_a_formatted_token_parses_back():
    public_id, secret = new_public_id(), new_secret()
    parsed = parse_token(format_token(public_id, secret))
    assert parsed is not None
    assert (parsed.public_id, parsed.secret) == (public_id, secret)


def test_a_secret_with_underscores_survives():
    parsed = parse_token("kdr_0123456789abcdef_a_b_c")
    assert parsed is not None and parsed.secret == "a_b_c"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "kdr",
        "kdr_0123456789abcdef",
        "kdr_0123456789abcdef_",
        "xyz_0123456789abcdef_s",
        "kdr_0123456789ABCDEF_s",
        "kdr_short_s",
        "kdr_0123456789abcdef_" + "s" * 200,
    ],
)
def test_anything_else_does_not_parse(raw):
    assert parse_token(raw) is None
