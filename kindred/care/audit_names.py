"""Audit event names of the care app: every ``record_event(event=...)`` uses one.

See :mod:`kindred.audit.audit_names` for why the values keep two styles.
"""

from __future__ import annotations

from typing import Final

DEFAULT_ACCESS_CHANGED: Final = "care.default_access_changed"
GRANT_CREATED: Final = "care.grant.created"
GRANT_RENEWED: Final = "care.grant.renewed"
GRANT_REVOKED: Final = "care.grant.revoked"
GRANT_USED: Final = "care.grant.used"
THERAPY_DISCHARGED: Final = "care.therapy.discharged"
REFERRAL_ACCEPTED: Final = "care.referral.accepted"
REFERRAL_CREATED: Final = "care.referral.created"
REFERRAL_DISMISSED: Final = "care.referral.dismissed"
