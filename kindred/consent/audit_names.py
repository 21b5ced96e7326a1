"""Audit event names of the consent app: every ``record_event(event=...)`` uses one.

The values kept the ``care.`` prefix they had before consent became its own app, so
the audit log reads the same before and after the move. See
:mod:`kindred.audit.audit_names` for why the values keep two styles.
"""

from __future__ import annotations

from typing import Final

DEFAULT_ACCESS_CHANGED: Final = "care.default_access_changed"
GRANT_CREATED: Final = "care.grant.created"
GRANT_RENEWED: Final = "care.grant.renewed"
GRANT_REVOKED: Final = "care.grant.revoked"
GRANT_USED: Final = "care.grant.used"

# The audit target type of a grant row. Stored rows cannot be rewritten (the chain), so
# grants keep the type they had in the care app rather than take the consent app's
# label: one name for every grant event, before and after the move.
GRANT_TARGET_TYPE: Final = "care.consentgrant"
