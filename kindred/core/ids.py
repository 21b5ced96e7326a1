"""Object ids as the database can hold them.

SQLite and PostgreSQL keep ids in signed 64-bit integers. A larger number in a URL
or a body would fail inside the database (a 500), so it is turned away at the edge:
URL ids by :class:`IdRangeMiddleware` (every page and API route, one place), body
ids by :data:`ObjectId` (API schemas) and :class:`IdField` (forms).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from django import forms
from django.http import HttpRequest, HttpResponse
from pydantic import Field

from kindred.core.access import NotFound

MAX_ID = 2**63 - 1

# An id in an API body: out of range is a clear 422, like any other bad value.
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]


def parse_id(value: Any) -> int | None:
    """``value`` as an id the database can hold, or None."""
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None


def _out_of_range(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, str):
        # API routes pass path values on as text; only numbers concern us here.
        try:
            value = int(value)
        except ValueError:
            return False
    return isinstance(value, int) and not -MAX_ID - 1 <= value <= MAX_ID


class IdRangeMiddleware:
    """404 for any URL whose path holds a number the database cannot store.

    Checked on the resolved URL arguments, so every route is covered, those added
    later included, before any view or access function runs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if any(_out_of_range(v) for v in (*view_args, *view_kwargs.values())):
            raise NotFound()
        return None


class IdField(forms.IntegerField):
    """A form's hidden or typed id: a number the database can hold, else a form error."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)
