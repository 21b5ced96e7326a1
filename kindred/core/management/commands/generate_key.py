from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kindred.core.crypto import generate_key


class Command(BaseCommand):
    help = "Print a new encryption key for KINDRED_ENCRYPTION_KEYS."
    # A key is what a fresh install needs before it has settings: nothing here reads them.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(generate_key())


def run_standalone(argv: Sequence[str]) -> int:
    """``kindred generate_key`` before Django's settings load; returns the exit status."""
    command = Command()
    try:
        options = vars(command.create_parser("kindred", "generate_key").parse_args(list(argv)))
    except CommandError as exc:
        problem = str(exc).removeprefix("Error: ")
        sys.stderr.write(f"kindred generate_key: error: {problem}\n")
        return 2
    options.pop("args", None)
    command.execute(**options)
    return 0
