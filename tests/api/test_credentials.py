"""Token strings: format, parse, hash."""

from __future__ import annotations

import pytest

from kindred.api.credentials import (
    format_token,
    hash_secret,
    new_public_id,
    new_secret,
    parse_token,
    secret_matches,
)


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


def test_hash_and_compare():
    secret = new_secret()
    assert len(hash_secret(secret)) == 64
    assert secret_matches(secret, hash_secret(secret))
    assert not secret_matches(secret + "x", hash_secret(secret))
