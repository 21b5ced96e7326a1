"""The member's data-rights endpoints under /api/v1/me/."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["me"])
