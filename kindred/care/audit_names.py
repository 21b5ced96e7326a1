"""Audit event names of the care app: every ``record_event(event=...)`` uses one.

Grant events are the consent app's (:mod:`kindred.consent.audit_names`). See
:mod:`kindred.audit.audit_names` for why the values keep two styles.
"""

from __future__ import annotations

from typing import Final

THERAPY_DISCHARGED: Final = "care.therapy.discharged"
REFERRAL_ACCEPTED: Final = "care.referral.accepted"
REFERRAL_CREATED: Final = "care.referral.created"
REFERRAL_DISMISSED: Final = "care.referral.dismissed"
