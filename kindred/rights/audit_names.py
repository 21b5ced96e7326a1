"""Audit event names of the data-rights app: every ``record_event(event=...)`` uses one.

See :mod:`kindred.audit.audit_names` for the convention.
"""

from __future__ import annotations

from typing import Final

# Deletion (kindred.rights.deletion).
DELETION_SCHEDULED: Final = "rights.deletion_scheduled"
DELETION_CANCELLED: Final = "rights.deletion_cancelled"
ACCOUNT_ERASED: Final = "rights.account_erased"
RETAINED_PURGED: Final = "rights.retained_purged"
