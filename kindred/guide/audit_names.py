"""Audit event names of the guide app: every ``record_event(event=...)`` uses one.

See :mod:`kindred.audit.audit_names` for why the values keep two styles.
"""

from __future__ import annotations

from typing import Final

DELETED: Final = "guide.deleted"
SAVED: Final = "guide.saved"
