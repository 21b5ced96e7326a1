"""Audit event names of the clinical app: every ``record_event(event=...)`` uses one.

See :mod:`kindred.audit.audit_names` for why the values keep two styles.
"""

from __future__ import annotations

from typing import Final

DIAGNOSIS_ADDED: Final = "clinical.diagnosis.added"
DIAGNOSIS_REMOVED: Final = "clinical.diagnosis.removed"
DIAGNOSIS_UPDATED: Final = "clinical.diagnosis.updated"
INTAKE_REQUESTED: Final = "clinical.intake.requested"
INTAKE_SAVED: Final = "clinical.intake.saved"
NOTE_ADDENDUM_ADDED: Final = "clinical.note.addendum_added"
NOTE_DRAFTED: Final = "clinical.note.drafted"
NOTE_REVISED: Final = "clinical.note.revised"
NOTE_SIGNED: Final = "clinical.note.signed"
PSYCHOTHERAPY_NOTE_CREATED: Final = "clinical.psychotherapy_note.created"
PSYCHOTHERAPY_NOTE_REVISED: Final = "clinical.psychotherapy_note.revised"
RECORD_READ: Final = "clinical.record.read"
