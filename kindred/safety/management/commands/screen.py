"""``kindred screen``: screen JSON Lines from stdin, or evaluate on a labelled file.

kindred screen < in.jsonl > out.jsonl
    in:  {"id": ..., "text": "...", "context": "..." (optional)}
    out: {"id": ..., "level": ..., "score": ..., "signals": [...]}   (one per input, in order)
    a malformed line gives {"id": <id or null>, "error": "..."} and processing continues.

kindred screen --eval FILE [--format text|markdown|json]
    FILE: JSON Lines with "label" (0/1), "text" and optional "group". Records that carry
    "level" and "score" but no "text" are taken as already scored (e.g. the out-of-fold
    predictions written by ``kindred train_screen --oof-out``).

Neither form needs the database or Django's settings: ``kindred`` (``kindred/cli.py``)
runs this command through :func:`run_standalone` before settings are loaded, so it works
on a fresh install without ``SECRET_KEY``. A problem with the input is one line on stderr
and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

# Importing these does not read settings; running a command through ``execute`` with no
# system checks does not either.
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindred.safety.screening import screen
from kindred.safety.screening.evaluate import LEVELS, evaluate, format_report


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


def _score(value: Any, lineno: int) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise CommandError(f"line {lineno}: score must be a number") from None


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
            rec.update(level=str(obj["level"]), score=_score(obj["score"], lineno))
            if rec["level"] not in LEVELS:
                raise CommandError(f"line {lineno}: level must be one of {', '.join(LEVELS)}")
        else:
            raise CommandError(f"line {lineno}: needs 'text' (or 'level' and 'score')")
        out.append(rec)
    if not out:
        raise CommandError("no records to evaluate")
    return out


class Command(BaseCommand):
    stealth_options = ("stdin",)
    # The screen touches no database or app: system checks would only load settings.
    requires_system_checks = ()
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
                raise CommandError(f"cannot read {path}: {exc.strerror or exc}") from exc
            except UnicodeDecodeError:
                raise CommandError(f"cannot read {path}: it is not UTF-8 text") from None
            report = evaluate(records)
            self.stdout.write(format_report(report, opts.get("fmt", "text"), opts.get("title", "")))
            return
        stdin: TextIO = opts.get("stdin") or sys.stdin
        for out in screen_lines(stdin):
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            self.stdout.flush()


class _OneLine(logging.Formatter):
    """A log record as one line: the screen's own warnings, never a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return super().format(record)


class _Once(logging.Filter):
    """Each message once: a missing model is said once, not once per input line."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message in self.seen:
            return False
        self.seen.add(message)
        return True


def run_standalone(argv: Sequence[str]) -> int:
    """``kindred screen ARGS`` without Django settings; returns the exit status.

    Uses the command's own parser (so ``--help`` matches ``kindred help screen``) and
    ``execute``, which with no system checks reads no settings. Errors are one line.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLine("kindred screen: %(levelname)s: %(message)s"))
    handler.addFilter(_Once())
    screening_log = logging.getLogger("kindred.safety.screening")
    screening_log.addHandler(handler)
    screening_log.propagate = False
    command = Command()
    try:
        options = vars(command.create_parser("kindred", "screen").parse_args(list(argv)))
    except CommandError as exc:
        # Django's parser says "Error: …" for a usage mistake when not run by manage.py.
        problem = str(exc).removeprefix("Error: ")
        sys.stderr.write(f"kindred screen: error: {problem} (see kindred screen --help)\n")
        return 2
    options.pop("args", None)
    try:
        command.execute(**options)
    except CommandError as exc:
        if options.get("traceback"):
            raise
        sys.stderr.write(f"kindred screen: error: {exc}\n")
        return exc.returncode
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (``kindred screen < in | head``): nothing left to say.
        return 0
    return 0
