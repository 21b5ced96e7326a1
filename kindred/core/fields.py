"""Model fields whose content is encrypted before it reaches the database.

Use them for everything clinical: progress notes, measure answers, treatment
plans, private messages, safety plans. They cannot be filtered or ordered on
(only ``isnull``): a lookup on ciphertext would be silently wrong.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

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
        if isinstance(f, EncryptedTextField | EncryptedJSONField)
    ]
