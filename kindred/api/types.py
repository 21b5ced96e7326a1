"""Input types the API's schemas share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime


def in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        # 9999-12-31T23:00-05:00 is a valid ISO date-time but no datetime in UTC.
        raise ValueError("The date and time is out of range.") from None


# Python accepts UTC offsets up to ±23:59, PostgreSQL only up to ±15:59: a date-time sent
# with an unusual offset would fail in the database (a 500). In UTC it is the same instant
# and always stores.
UtcDatetime = Annotated[AwareDatetime, AfterValidator(in_utc)]
"""A date-time that must carry its offset; the view gets it in UTC."""
