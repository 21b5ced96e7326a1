"""Retention rules of peer support (docs/retention.md)."""

from __future__ import annotations

from kindred.core.retention import RETENTION_RULES, Action, RetentionRule

RETENTION_RULES.register(
    "peers.profiles",
    RetentionRule(
        data="Peer profile: story, its themes and its embedding vector",
        action=Action.KEEP,
        enforced_by="the member (delete the profile: the vector goes with it), account deletion",
        why="Needed for matching while the member wants to be matched.",
    ),
)
RETENTION_RULES.register(
    "peers.index_removals",
    RetentionRule(
        data="Removed profiles awaiting removal from every process's search index",
        action=Action.DELETE,
        enforced_by="the peers task, every 10 minutes (one day after the removal)",
        why="Holds only a user id, until every process has dropped the vector.",
    ),
)
