from typing import Any

from django.core.management.base import BaseCommand, CommandError

from kindred.audit.actions import verify_chain
from kindred.audit.models import AuditEvent


class Command(BaseCommand):
    help = "Check the audit log's hash chain and say where it breaks."

    def handle(self, *args: Any, **options: Any) -> None:
        breaks = verify_chain()
        total = AuditEvent.objects.count()
        if not breaks:
            self.stdout.write(f"Audit chain intact: {total} events.")
            return
        for b in breaks:
            self.stdout.write(f"BROKEN at #{b.seq}: {b.reason}")
        raise CommandError(
            f"Audit chain broken in {len(breaks)} place(s); first at #{breaks[0].seq}."
        )
