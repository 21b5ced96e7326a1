"""``kindred generate_key`` on a fresh install: no SECRET_KEY, no keys, DEBUG off.

A host needs a key before the settings can load, so the command runs before them
(``kindred/cli.py``); these run it in a child process whose environment has no settings.
"""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

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
CONFIGURED = {"SECRET_KEY", "DEBUG", "KINDRED_ENCRYPTION_KEYS", "DATABASE_URL", "KINDRED_VAR_DIR"}


def run(command: list[str], *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in CONFIGURED and not key.startswith("DJANGO_")
    }
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_it_prints_a_key_without_any_settings(command: list[str], tmp_path: Path) -> None:
    done = run(command, "generate_key", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip()
    Fernet(key.encode())
    assert done.stderr == ""
    # Nothing written where it ran (development secrets go to var/ when settings load).
    assert list(tmp_path.iterdir()) == []


def test_each_run_prints_a_different_key(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "kindred.cli", "generate_key"]
    first, second = run(command, cwd=tmp_path), run(command, cwd=tmp_path)
    assert first.stdout.strip() != second.stdout.strip()


def test_a_wrong_argument_is_a_one_line_usage_error(tmp_path: Path) -> None:
    done = run([sys.executable, "-m", "kindred.cli"], "generate_key", "--bogus", cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "unrecognized arguments: --bogus" in done.stderr


def test_it_is_an_ordinary_management_command_too() -> None:
    out = StringIO()
    call_command("generate_key", stdout=out)
    Fernet(out.getvalue().strip().encode())
