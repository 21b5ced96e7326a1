"""Audit event names of the accounts app: every ``record_event(event=...)`` uses one.

See :mod:`kindred.audit.audit_names` for why the values keep two styles.
"""

from __future__ import annotations

from typing import Final

ACCOUNT_AGE_BAND_CHANGED: Final = "account.age_band_changed"
ACCOUNT_DATE_OF_BIRTH_CORRECTED: Final = "account.date_of_birth_corrected"
ACCOUNT_DEACTIVATED: Final = "account.deactivated"
ACCOUNT_PROFILE_UPDATED: Final = "account.profile_updated"
ACCOUNT_ROLE_GRANTED: Final = "account.role_granted"
ACCOUNT_ROLE_REVOKED: Final = "account.role_revoked"
ACCOUNT_SIGNUP: Final = "account.signup"
ACCOUNT_LEGAL_DOCUMENT_PUBLISHED: Final = "account.legal_document_published"
