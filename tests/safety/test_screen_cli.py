"""``kindred screen`` from a shell on a fresh install: no SECRET_KEY, DEBUG off.

The console script runs the screen before Django's settings load (``kindred/cli.py``),
so these run it in a child process with an environment that has no settings at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).with_name("kindred")
COMMANDS = [
    pytest.param([sys.executable, "-m", "kindred.cli"], id="python-m"),
    pytest.param(
        [str(SCRIPT)],
        id="console-script",
        marks=pytest.mark.skipif(not SCRIPT.exists(), reason="kindred is not installed"),
    ),
]


def fresh_install_env() -> dict[str, str]:
    """This environment less everything a configured install would have."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEBUG", "KINDRED_ENCRYPTION_KEYS", "DATABASE_URL"}
        and not key.startswith("DJANGO_")
    }
    env["PYTHONPATH"] = str(ROOT)
    return env


def run(
    command: list[str], *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*command, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=fresh_install_env() | (env or {}),
        cwd=ROOT,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_it_screens_a_line_without_secret_key_or_debug(command: list[str]) -> None:
    done = run(command, "screen", stdin=json.dumps({"id": 7, "text": "i want to kill myself"}))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "SECRET_KEY" not in done.stderr
    [line] = done.stdout.splitlines()
    result = json.loads(line)
    assert result["id"] == 7 and result["level"] == "moderate"
    assert set(result) == {"id", "level", "score", "signals"}


def test_it_never_reads_settings() -> None:
    # A settings module that cannot even be imported changes nothing.
    done = run(
        [sys.executable, "-m", "kindred.cli"],
        "screen",
        stdin=json.dumps({"id": 1, "text": "hello"}) + "\n",
        env={"DJANGO_SETTINGS_MODULE": "no_such_settings_module"},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["level"] == "none"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        (b'{"text": "x", "label": 2}\n', "line 1: label must be 0 or 1"),
        (b"{not json\n", "line 1: need a JSON object with a 0/1 'label'"),
        (b'{"label": 1, "level": "dire", "score": 0.5}\n', "line 1: level must be one of"),
        (b'{"label": 1, "level": "high", "score": "lots"}\n', "line 1: score must be a number"),
        (b"\xff\xfe\x00", "not UTF-8 text"),
        (b"\n\n", "no records to evaluate"),
    ],
    ids=["missing", "bad-label", "not-json", "bad-level", "bad-score", "binary", "empty"],
)
def test_a_bad_eval_file_is_one_clear_line(
    tmp_path: Path, content: bytes | None, message: str
) -> None:
    path = tmp_path / "eval.jsonl"
    if content is not None:
        path.write_bytes(content)
    done = run([sys.executable, "-m", "kindred.cli"], "screen", "--eval", str(path))
    assert done.returncode != 0
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("kindred screen: error: ") and message in line


def test_eval_works_without_settings(tmp_path: Path) -> None:
    path = tmp_path / "eval.jsonl"
    rows = [{"text": "i want to kill myself", "label": 1}, {"text": "nice bike", "label": 0}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    done = run(
        [sys.executable, "-m", "kindred.cli"], "screen", "--eval", str(path), "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["thresholds"]["moderate"]["recall"] == 1.0


def test_help_still_lists_screen_without_settings() -> None:
    done = run([sys.executable, "-m", "kindred.cli"], "help")
    assert done.returncode == 0
    assert "These work without settings too:\n    screen" in done.stdout
    screen_help = run([sys.executable, "-m", "kindred.cli"], "screen", "--help")
    assert screen_help.returncode == 0 and "--eval" in screen_help.stdout


def test_screen_is_still_a_management_command() -> None:
    from django.core.management import get_commands

    assert get_commands()["screen"] == "kindred.safety"


def test_a_missing_model_is_one_warning_line_not_a_traceback() -> None:
    # The screen falls back to its rules; the shell user is told once, briefly.
    code = (
        "import sys\n"
        "import kindred.safety.screening.semantic as semantic\n"
        "def gone(*args, **kwargs):\n"
        "    raise FileNotFoundError(2, 'No such file or directory', 'semantic.npz')\n"
        "semantic.load = gone\n"
        "sys.argv = ['kindred', 'screen']\n"
        "from kindred.cli import main\n"
        "main()\n"
    )
    lines = [{"id": 1, "text": "hello"}, {"id": 2, "text": "i want to kill myself"}]
    done = run([sys.executable, "-c", code], stdin="".join(json.dumps(x) + "\n" for x in lines))
    assert done.returncode == 0
    assert [json.loads(x)["id"] for x in done.stdout.splitlines()] == [1, 2]
    # Whatever the screening package says about it (it is being rebuilt), it says it once.
    [warning] = done.stderr.splitlines()
    assert warning.startswith("kindred screen: ") and "Traceback" not in done.stderr
