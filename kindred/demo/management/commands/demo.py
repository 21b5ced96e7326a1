from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from kindred.accounts.demo import DEMO_PASSWORD, ensure_demo_allowed
from kindred.demo.loaders import load_all


class Command(BaseCommand):
    help = "Create the demo personas and each app's demo data (safe to run twice; refused when DEBUG is off)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            ensure_demo_allowed()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        load_all(self.stdout.write)
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
