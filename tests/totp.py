"""The code an authenticator app shows now, for tests that sign in with a second factor.

allauth accepts only the current 30-second window, so a code read in the last moments of
its window can reach the check in the next one and be refused. Like a person who sees the
code about to change, :func:`totp_code` waits for a fresh one when too little time is left.
"""

from __future__ import annotations

import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

# Enough for a browser on a loaded machine to type the code and submit the form.
FRESH_SECONDS = 8


def totp_code(secret: str, *, fresh_seconds: float = FRESH_SECONDS) -> str:
    period = mfa_settings.TOTP_PERIOD
    left = period - time.time() % period
    if left < fresh_seconds:
        time.sleep(left + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))
