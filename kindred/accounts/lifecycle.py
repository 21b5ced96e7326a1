"""What closing an account means for the apps above accounts.

An account closes when staff deactivate it (``is_active`` off: a suspension of the
whole account) or just before it is deleted. Apps whose access follows from a
relationship with the person (consent grants, in the care app) register a handler
here from their ``AppConfig.ready``; accounts never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kindred.core.registry import Registry

if TYPE_CHECKING:
    from kindred.accounts.models import User

# Called inside the transaction that closes the account; returns how many things it
# ended, for the audit record.
AccountClosedHandler = Callable[["User"], int]

ACCOUNT_CLOSED_HANDLERS = Registry[AccountClosedHandler]("account-closed handlers")


def register_account_closed_handler(name: str, handler: AccountClosedHandler) -> None:
    ACCOUNT_CLOSED_HANDLERS.register(name, handler)


def run_account_closed_handlers(user: User) -> dict[str, int]:
    """Every registered handler, in registration order: what each ended. The caller
    (deactivation, deletion) holds a transaction and writes the audit record."""
    return {name: handler(user) for name, handler in ACCOUNT_CLOSED_HANDLERS.items()}
