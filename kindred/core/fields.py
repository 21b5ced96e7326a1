"""Model fields whose content is encrypted before it reaches the database.

Use them for everything clinical: progress notes, measure answers, treatment
plans, private messages, safety plans. They cannot be filtered or ordered on
(only ``isnull``): a lookup on ciphertext would be silently wrong.
"""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.dateparse import parse_date
from django.utils.translation import gettext

from kindred.core.crypto import decrypt_text, encrypt_text

_ALLOWED_LOOKUPS = {"isnull"}


class _EncryptedMixin:
    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in _ALLOWED_LOOKUPS:
            return None
        return super().get_lookup(lookup_name)  # type: ignore[misc]


class EncryptedTextField(_EncryptedMixin, models.TextField):
    description = "Text encrypted at rest"

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt_text(str(value))

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        return decrypt_text(value)


class EncryptedDateField(EncryptedTextField):
    """A calendar date, stored as its encrypted ISO text (``YYYY-MM-DD``).

    For a date that says something about a person, such as a date of birth: who
    can read the database learns nothing from the column.
    """

    description = "Date encrypted at rest"

    if TYPE_CHECKING:
        # What django-stubs' plugin reads to type the model attribute: a date, not
        # the text the column holds.
        _pyi_private_set_type: datetime.date | str  # type: ignore[assignment]
        _pyi_private_get_type: datetime.date  # type: ignore[assignment]

    def to_python(self, value: Any) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        parsed = parse_date(str(value)) if isinstance(value, str) else None
        if parsed is None:
            raise ValidationError(gettext("Enter a valid date."), code="invalid")
        return parsed

    def get_prep_value(self, value: Any) -> Any:
        value = self.to_python(value)
        if value is None:
            return None
        return encrypt_text(value.isoformat())

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        text = super().from_db_value(value, expression, connection)
        return None if text is None else datetime.date.fromisoformat(text)

    def value_to_string(self, obj: models.Model) -> str:
        value: Any = self.value_from_object(obj)
        return value.isoformat() if value else ""

    def formfield(self, **kwargs: Any) -> Any:
        # A date input, not the text area a TextField would get.
        kwargs.pop("max_length", None)
        return models.Field.formfield(self, **{"form_class": forms.DateField, **kwargs})


if TYPE_CHECKING:
    _JSONBase = models.TextField[Any, Any]
else:
    _JSONBase = models.TextField


class EncryptedJSONField(_EncryptedMixin, _JSONBase):
    """JSON-serialisable value, encrypted as one blob."""

    description = "JSON encrypted at rest"

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return encrypt_text(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True))

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return json.loads(decrypt_text(value))

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), cls=DjangoJSONEncoder)


def encrypted_fields(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.get_fields()
        # EncryptedDateField is an EncryptedTextField: it is rotated the same way.
        if isinstance(f, EncryptedTextField | EncryptedJSONField)
    ]
