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

        users = {persona.key: user for persona, user, _ in results}
        threads = create_demo_community(users)
        self.stdout.write(f"Community: {threads} demo thread(s) created.")
        from kindred.care.demo import create_demo_care
        from kindred.groups.demo import create_demo_groups
        from kindred.guide.demo import create_demo_guide
        from kindred.peers.demo import create_demo_connections, create_demo_peers

        self.stdout.write(f"Groups: {create_demo_groups(users)} demo group(s) created.")
        self.stdout.write(f"Peers: {create_demo_peers(users)} demo profile(s) created.")
        self.stdout.write(f"Peers: {create_demo_connections(users)} demo connection(s) made.")
        self.stdout.write(f"Care: {create_demo_care(users)} demo care item(s) created.")
        self.stdout.write(f"Guide: {create_demo_guide(users)} demo saved guide(s) created.")
        self.stdout.write(f"Password for every demo account: {DEMO_PASSWORD}")
