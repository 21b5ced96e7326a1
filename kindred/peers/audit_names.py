"""Audit event names of the peers app: every ``record_event(event=...)`` uses one.

See :mod:`kindred.audit.audit_names` for why the values keep two styles.
"""

from __future__ import annotations

from typing import Final

CONNECTION_ENDED: Final = "peers.connection_ended"
CONNECTION_RATED: Final = "peers.connection_rated"
PROFILE_CREATED: Final = "peers.profile_created"
PROFILE_DELETED: Final = "peers.profile_deleted"
PROFILE_UPDATED: Final = "peers.profile_updated"
REQUEST_ACCEPTED: Final = "peers.request_accepted"
REQUEST_CLOSED: Final = "peers.request_closed"
REQUEST_DECLINED: Final = "peers.request_declined"
REQUEST_SENT: Final = "peers.request_sent"
REQUEST_WITHDRAWN: Final = "peers.request_withdrawn"
TRAINING_ADDED: Final = "peers.training_added"
TRAINING_REMOVED: Final = "peers.training_removed"
