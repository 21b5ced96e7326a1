"""Signals other apps listen to, so this low app never imports them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after a user's new password is saved, whichever way it was set (the password
# pages, a reset link, the admin, ``changepassword``); not when an account is created.
# Arguments: ``user``.
password_changed = Signal()
