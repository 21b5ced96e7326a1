"""``kindred screen`` management command: JSONL in/out, malformed lines, --eval.

The command touches no database, so no ``django_db`` mark is needed.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run_screen(stdin_text: str) -> list[dict[str, object]]:
    out = io.StringIO()
    call_command("screen", stdin=io.StringIO(stdin_text), stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_jsonl_in_order() -> None:
    lines = [
        {"id": 1, "text": "hello there"},
        {"id": "b", "text": "i want to kill myself"},
        {"id": 3, "text": "i just took all my pills"},
    ]
    res = run_screen("\n".join(json.dumps(x) for x in lines) + "\n")
    assert [r["id"] for r in res] == [1, "b", 3]
    assert [r["level"] for r in res] == ["none", "moderate", "high"]
    for r in res:
        assert set(r) == {"id", "level", "score", "signals"}
        assert 0.0 <= float(r["score"]) <= 1.0  # type: ignore[arg-type]
        assert isinstance(r["signals"], list)


def test_malformed_lines_yield_errors_and_continue() -> None:
    stdin = "\n".join(
        [
            "{not json",
            json.dumps({"id": 7}),
            json.dumps({"id": 8, "text": 42}),
            json.dumps(["a", "list"]),
            "",  # blank lines are skipped
            json.dumps({"id": 9, "text": "kms"}),
        ]
    )
    res = run_screen(stdin)
    assert len(res) == 5
    assert res[0]["id"] is None and "invalid JSON" in str(res[0]["error"])
    assert res[1]["id"] == 7 and "missing" in str(res[1]["error"])
    assert res[2]["id"] == 8 and "not a string" in str(res[2]["error"])
    assert res[3]["id"] is None and "error" in res[3]
    assert res[4] == {**res[4], "id": 9, "level": "moderate"}


def test_context_field() -> None:
    line = {"id": 1, "text": "yes", "context": "are you thinking of killing yourself?"}
    assert run_screen(json.dumps(line))[0]["level"] == "moderate"


def _write(tmp_path: Path, rows: list[dict[str, object]]) -> Path:
    p = tmp_path / "eval.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return p


def test_eval_report(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {"text": "i want to kill myself", "label": 1, "group": "sw"},
        {"text": "i wrote my suicide note", "label": 1, "group": "sw"},
        {"text": "this exam is killing me", "label": 0, "group": "school"},
        {"text": "how do i fix my bike chain", "label": 0, "group": "bikes"},
    ]
    out = io.StringIO()
    call_command("screen", eval_file=_write(tmp_path, rows), fmt="markdown", stdout=out)
    text = out.getvalue()
    assert "AUROC=1.000" in text
    assert "| >= moderate | 1.000 | 1.000 |" in text
    assert "| school |" in text

    out = io.StringIO()
    call_command("screen", eval_file=_write(tmp_path, rows), fmt="json", stdout=out)
    assert json.loads(out.getvalue())["thresholds"]["moderate"]["recall"] == 1.0


def test_eval_prescored_records(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {"label": 1, "level": "moderate", "score": 0.6},
        {"label": 0, "level": "none", "score": 0.1},
    ]
    out = io.StringIO()
    call_command("screen", eval_file=_write(tmp_path, rows), stdout=out)
    assert "recall=1.000" in out.getvalue()


def test_eval_bad_label(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="label"):
        call_command("screen", eval_file=_write(tmp_path, [{"text": "x", "label": 2}]))
    with pytest.raises(CommandError, match="label"):
        call_command("screen", eval_file=_write(tmp_path, [{"text": "x"}]))
