"""Audit event names of the data-rights app: every ``record_event(event=...)`` uses one.

See :mod:`kindred.audit.audit_names` for why the values keep two styles.
"""

from __future__ import annotations

from typing import Final

# A member's export was built (downloaded at once, or written for a link); changes hold
# the row count and how it was delivered, never content.
EXPORTED: Final = "rights.export_created"
# A large account's export was asked for; a task builds it.
EXPORT_REQUESTED: Final = "rights.export_requested"
# The file behind an export link was fetched.
EXPORT_DOWNLOADED: Final = "rights.export_downloaded"

# Deletion (kindred.rights.deletion).
DELETION_SCHEDULED: Final = "rights.deletion_scheduled"
DELETION_CANCELLED: Final = "rights.deletion_cancelled"
ACCOUNT_ERASED: Final = "rights.account_erased"
RETAINED_PURGED: Final = "rights.retained_purged"

# The daily retention sweep ran; changes hold rows removed or anonymised per rule and the
# periods in days (docs/retention.md), never content.
RETENTION_APPLIED: Final = "rights.retention_applied"
