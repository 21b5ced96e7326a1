"""Re-encrypt every stored ciphertext under the first (newest) key, or say what is left.

Procedure: put the new key first in KINDRED_ENCRYPTION_KEYS, keep the old ones after it,
restart every process (web and tasks), run this command, then ``rotate_keys --check``.
Only when ``--check`` exits 0 may the old keys be dropped from the variable. Safe to run
while the site serves and to run again after an interruption (see kindred.core.rotation).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kindred.core.rotation import BATCH, Report, do_rotate_keys, get_key_report


class Command(BaseCommand):
    help = (
        "Re-encrypt all encrypted values with the primary key; with --check, list the "
        "fields that still hold values under an old key (exit 1) or none (exit 0)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="change nothing; exit 1 when any value is under an old key or unreadable",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        if options["check"]:
            self._check(get_key_report(batch_size=options["batch_size"]))
        else:
            self._rotate(options["batch_size"])

    def _check(self, report: Report) -> None:
        old = unreadable = 0
        for label, tally in report.items():
            if tally.old:
                self.stdout.write(f"{label}: {tally.old} row(s) under an old key")
            if tally.unreadable:
                self.stdout.write(f"{label}: {tally.unreadable} row(s) under no configured key")
            old += tally.old
            unreadable += tally.unreadable
        if old or unreadable:
            raise CommandError(
                f"{old} row(s) under an old key, {unreadable} unreadable: keep the old keys"
                + (" and run `kindred rotate_keys`." if old else "."),
                returncode=1,
            )
        self.stdout.write("Every encrypted value is under the primary key: old keys may go.")

    def _rotate(self, batch_size: int) -> None:
        def progress(model_label: str, model_report: Report) -> None:
            for label, tally in model_report.items():
                self.stdout.write(f"{label}: {tally.rewritten} row(s) re-encrypted")

        report = do_rotate_keys(batch_size=batch_size, on_model=progress)
        total = sum(tally.rewritten for tally in report.values())
        unreadable = {label: t.unreadable for label, t in report.items() if t.unreadable}
        self.stdout.write(f"Done: {total} value(s) re-encrypted.")
        if unreadable:
            for label, count in unreadable.items():
                self.stderr.write(f"{label}: {count} row(s) under no configured key, left as is")
            raise CommandError("Some values could not be decrypted: keep every key.", returncode=1)
        self.stdout.write("Run `kindred rotate_keys --check` before removing an old key.")
