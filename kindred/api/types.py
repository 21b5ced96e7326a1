"""Input types the API's schemas share."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, AwareDatetime

from kindred.core.inputs import in_utc

UtcDatetime = Annotated[AwareDatetime, AfterValidator(in_utc)]
"""A date-time that must carry its offset; the view gets it in UTC."""
