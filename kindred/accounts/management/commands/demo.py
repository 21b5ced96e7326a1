from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from kindred.accounts.demo import DEMO_PASSWORD, create_demo_data


class Command(BaseCommand):
    help = "Create the demo personas (safe to run twice; refused when DEBUG is off)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            results = create_demo_data()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        for persona, user, created in results:
            state = "created" if created else "exists"
            mfa = f"  TOTP secret {persona.totp_secret}" if persona.totp_secret else ""
            self.stdout.write(f"{state:7} {persona.key:12} {user.email:28}{mfa}")
        from kindred.community.demo import create_demo_community

        threads = create_demo_community({persona.key: user for persona, user, _ in results})
        self.stdout.write(f"Community: {threads} demo thread(s) created.")
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
