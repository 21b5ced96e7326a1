"""Audit event names of the therapy app: every ``record_event(event=...)`` uses one.

See :mod:`kindred.audit.audit_names` for why the values keep two styles.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

LICENCE_EXPIRED: Final = "therapy.licence_expired"
PROFILE_SAVED: Final = "therapy.profile_saved"
PROFILE_SUBMITTED: Final = "therapy.profile_submitted"


# ``therapy.licence_<decision>``, by the licence check's decision (Decision).
LICENCE_DECIDED: Final[Mapping[str, str]] = MappingProxyType(
    {
        "verified": "therapy.licence_verified",
        "rejected": "therapy.licence_rejected",
    }
)
