"""Retention rules of the community (docs/retention.md)."""

from __future__ import annotations

from kindred.core.retention import RETENTION_RULES, Action, RetentionRule

RETENTION_RULES.register(
    "community.posts",
    RetentionRule(
        data="Community threads, posts, their earlier versions and reactions",
        action=Action.KEEP,
        enforced_by="the author (delete a post), account deletion (deleted or anonymised, "
        "as the member chooses)",
        why="Written to be read by others over time; the author decides when it goes.",
    ),
)
RETENTION_RULES.register(
    "community.drafts",
    RetentionRule(
        data="Unsent post and reply drafts",
        action=Action.DELETE,
        enforced_by="the browser: `localStorage` for a day at most, cleared at sign-out; "
        "never sent to the server",
        why="Kept only so that a lost connection does not lose what someone was writing.",
    ),
)
