"""The member's data-rights endpoints under /api/v1/me/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["me"])

# Deletion (kindred.rights.deletion_api).
router.add_router("", "kindred.rights.deletion_api.router")
