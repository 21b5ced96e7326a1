"""``kindred delete_account EMAIL [--now]``: staff carry out a written deletion request."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kindred.accounts.models import User
from kindred.rights.deletion import (
    DeletionError,
    do_erase_account,
    do_schedule_deletion,
    open_duties,
)
from kindred.rights.deletion_models import PostsChoice


class Command(BaseCommand):
    help = (
        "Schedule the deletion of the account with this email address, as the member "
        "asked in writing; with --now, erase it at once (no grace period). Audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument(
            "--now", action="store_true", help="Erase now instead of after the grace period."
        )
        parser.add_argument(
            "--posts",
            choices=PostsChoice.values,
            default=PostsChoice.DELETE,
            help="What happens to the member's community posts (default: delete).",
        )
        parser.add_argument(
            "--staff",
            metavar="EMAIL",
            help="The staff account carrying out the request (named in the audit log).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"].strip()).first()
        if user is None:
            raise CommandError("No account has that email address.")
        actor = None
        if options["staff"]:
            actor = User.objects.filter(email__iexact=options["staff"].strip()).first()
            if actor is None or not actor.has_role("staff"):
                raise CommandError("--staff must name a staff account.")
        duties = open_duties(user)
        if duties:
            raise CommandError(
                "The account has duties to hand over first: " + "; ".join(duties) + "."
            )
        try:
            scheduled = do_schedule_deletion(
                user,
                posts=options["posts"],
                actor=actor,
                by_staff=True,
                grace=timedelta(0) if options["now"] else None,
            )
        except DeletionError as error:
            raise CommandError(str(error)) from None
        if options["now"]:
            counts = do_erase_account(scheduled.deletion)
            self.stdout.write(f"Erased ({sum(counts.values())} rows removed or changed).")
        else:
            self.stdout.write(f"Scheduled for {scheduled.deletion.due_at:%Y-%m-%d %H:%M %Z}.")
