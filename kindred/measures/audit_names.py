"""Audit event names of the measures app: every ``record_event(event=...)`` uses one.

See :mod:`kindred.audit.audit_names` for why the values keep two styles.
"""

from __future__ import annotations

from typing import Final

ASSIGNED: Final = "measures.assigned"
ASSIGNMENT_STOPPED: Final = "measures.assignment_stopped"
EXPORTED: Final = "measures.exported"
LICENCE_CONFIRMED: Final = "measures.licence_confirmed"
LICENCE_WITHDRAWN: Final = "measures.licence_withdrawn"
RESPONSE_SUBMITTED: Final = "measures.response_submitted"
