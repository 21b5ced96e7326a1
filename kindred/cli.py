"""The ``kindred`` console script: Django's management commands under the project's name."""

from __future__ import annotations

import os
import sys

# Commands that need neither Django's settings nor the database. They run before settings
# load, so they work on a fresh install (no SECRET_KEY, DEBUG off); they stay ordinary
# management commands too, listed by ``kindred help``.
STANDALONE = ("screen", "generate_key")


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["screen"]:
        # The risk screen is pure Python + numpy (kindred/safety/screening).
        from kindred.safety.management.commands.screen import run_standalone

        sys.exit(run_standalone(argv[1:]))
    if argv[:1] == ["generate_key"]:
        from kindred.core.management.commands import generate_key

        sys.exit(generate_key.run_standalone(argv[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kindred.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kindred", *argv])
    if argv in ([], ["help"], ["--help"], ["-h"]) and not _settings_load():
        # Django then lists its core commands only; say which of ours still work.
        sys.stdout.write("\nThese work without settings too:\n")
        sys.stdout.writelines(f"    {name}\n" for name in STANDALONE)


def _settings_load() -> bool:
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 - loading settings is the point
    except ImproperlyConfigured:
        return False
    return True


if __name__ == "__main__":
    main()
