"""Audit event names: the convention, and the names the audit app itself records.

Every ``record_event(event=...)`` in Kindred passes a name from its app's
``audit_names`` module (``tests/audit/test_audit_names.py`` checks the source), never
a string written at the call.

The values are stored in the hash-chained audit trail (:mod:`kindred.audit`), and
:func:`~kindred.audit.actions.verify_chain` recomputes each row's hash from them, so
an existing value never changes and stored rows are never rewritten. That is why two
historical styles stay side by side: ``<app>.<noun>_<past_verb>``
(``safety.flag_raised``, most names) and ``<app>.<noun>.<past_verb>``
(``care.grant.used``, ``clinical.diagnosis.added``, the ``<model>.read`` names of
audited reads). New names follow the first: ``<app>.<noun>_<past_verb>``.
"""

from __future__ import annotations


def read_of(target_type: str) -> str:
    """The name of an audited read of a ``target_type`` object (``safety.supportconversation.read``)."""
    return f"{target_type}.read"
