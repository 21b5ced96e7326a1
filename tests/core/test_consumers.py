"""The socket base's frame checks (the sockets themselves are tested with their apps)."""

from __future__ import annotations

import pytest

from kindred.core.consumers import MAX_JSON_DEPTH, BadFrame, parse_frame


def test_it_parses_ordinary_frames_and_brackets_inside_strings():
    text = '{"type": "message", "body": "' + "[" * 500 + '\\" {"}'
    assert parse_frame(text) == {"type": "message", "body": "[" * 500 + '" {'}


def test_it_accepts_nesting_up_to_the_limit_and_refuses_beyond():
    assert parse_frame("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH) is not None
    with pytest.raises(BadFrame, match="nested too deeply"):
        parse_frame("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1))


@pytest.mark.parametrize("text", ["{", "", "nope", '{"a": 1}}'])
def test_it_refuses_what_is_not_json(text):
    with pytest.raises(BadFrame, match="not valid JSON"):
        parse_frame(text)
