"""The base every input schema (bodies and query strings) inherits."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator

from kindred.core.inputs import RefusesUnstorableText, refuse_unstorable


class InputSchema(RefusesUnstorableText, Schema):
    """Refuses text the database cannot store (NUL, lone surrogates) with a 422 naming
    the field, whichever field it is in."""


# A text path parameter (a slug, a name): NUL in a URL decodes into it just as easily.
PathText = Annotated[str, AfterValidator(refuse_unstorable)]
