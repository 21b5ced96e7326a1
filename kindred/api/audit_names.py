"""Audit event names of the api app: every ``record_event(event=...)`` uses one.

See :mod:`kindred.audit.audit_names` for why the values keep two styles.
"""

from __future__ import annotations

from typing import Final

TOKEN_CREATED: Final = "api.token_created"  # noqa: S105 (an audit event name)
TOKEN_REVOKED: Final = "api.token_revoked"  # noqa: S105 (an audit event name)
