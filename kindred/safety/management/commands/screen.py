"""``kindred screen``: screen JSON Lines from stdin, or evaluate on a labelled file.

kindred screen < in.jsonl > out.jsonl
    in:  {"id": ..., "text": "...", "context": "..." (optional)}
    out: {"id": ..., "level": ..., "score": ..., "signals": [...]}   (one per input, in order)
    a malformed line gives {"id": <id or null>, "error": "..."} and processing continues.

kindred screen --eval FILE [--format text|markdown|json]
    FILE: JSON Lines with "label" (0/1), "text" and optional "group". Records that carry
    "level" and "score" but no "text" are taken as already scored (e.g. the out-of-fold
    predictions written by ``kindred train_screen --oof-out``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindred.safety.screening import screen
from kindred.safety.screening.evaluate import evaluate, format_report


def screen_lines(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """One output object per non-blank input line, in order; never raises on bad input."""
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield {"id": None, "error": f"line {lineno}: invalid JSON ({exc.msg})"}
            continue
        if not isinstance(obj, dict):
            yield {"id": None, "error": f"line {lineno}: expected a JSON object"}
            continue
        rid = obj.get("id")
        text = obj.get("text")
        context = obj.get("context", "")
        if not isinstance(text, str):
            problem = "missing" if text is None else "not a string"
            yield {"id": rid, "error": f"line {lineno}: 'text' is {problem}"}
            continue
        if not isinstance(context, str):
            yield {"id": rid, "error": f"line {lineno}: 'context' is not a string"}
            continue
        r = screen(text, context=context)
        yield {"id": rid, "level": r.level, "score": r.score, "signals": list(r.signals)}


def eval_records(lines: Iterable[str]) -> list[dict[str, Any]]:
    out = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            label = int(obj["label"])
        except (ValueError, KeyError, TypeError) as exc:
            raise CommandError(f"line {lineno}: need a JSON object with a 0/1 'label'") from exc
        if label not in (0, 1):
            raise CommandError(f"line {lineno}: label must be 0 or 1")
        rec: dict[str, Any] = {"label": label}
        if "group" in obj and obj["group"] is not None:
            rec["group"] = str(obj["group"])
        if isinstance(obj.get("text"), str):
            r = screen(obj["text"], context=str(obj.get("context") or ""))
            rec.update(level=r.level, score=r.score)
        elif "level" in obj and "score" in obj:
            rec.update(level=str(obj["level"]), score=float(obj["score"]))
        else:
            raise CommandError(f"line {lineno}: needs 'text' (or 'level' and 'score')")
        out.append(rec)
    if not out:
        raise CommandError("no records to evaluate")
    return out


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = "Screen JSON Lines from stdin for suicide/self-harm risk, or --eval a labelled file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--eval", dest="eval_file", type=Path, help="labelled JSONL file")
        parser.add_argument(
            "--format", choices=("text", "markdown", "json"), default="text", dest="fmt"
        )
        parser.add_argument("--title", default="", help="heading for the --eval report")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts.get("eval_file"):
            path: Path = opts["eval_file"]
            try:
                with path.open(encoding="utf-8") as fh:
                    records = eval_records(fh)
            except OSError as exc:
                raise CommandError(f"cannot read {path}: {exc}") from exc
            report = evaluate(records)
            self.stdout.write(format_report(report, opts.get("fmt", "text"), opts.get("title", "")))
            return
        stdin: TextIO = opts.get("stdin") or sys.stdin
        for out in screen_lines(stdin):
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            self.stdout.flush()
