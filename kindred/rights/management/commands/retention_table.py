from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from kindred.core.retention import render_table


class Command(BaseCommand):
    help = (
        "Print the retention table (every kind of data, how long it is kept and why) as "
        "Markdown, for docs/retention.md."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(render_table(), ending="")
