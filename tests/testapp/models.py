"""A model that exists only in the test suite, to exercise the encrypted fields."""

from django.db import models

from kindred.core.fields import EncryptedJSONField, EncryptedTextField


class Sealed(models.Model):
    label = models.CharField(max_length=50)
    body = EncryptedTextField(blank=True, null=True)
    data = EncryptedJSONField(blank=True, null=True)

    def __str__(self) -> str:
        return self.label
