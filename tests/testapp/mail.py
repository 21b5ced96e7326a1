"""Mail backends for tests: a server that refuses every message."""

from __future__ import annotations

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """As if the mail server were down."""

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError(111, "Connection refused by mail.internal for a@b.example")


class HangingBackend(BaseEmailBackend):
    """As if the mail server accepted the connection and never answered."""

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        import time

        time.sleep(60)
        return 0
