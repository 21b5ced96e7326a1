"""Crisis resources per country: the table behind "Get help now"."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class CrisisCountry(models.Model):
    code = models.CharField(
        max_length=2, primary_key=True, help_text="ISO 3166-1 alpha-2; XX = anywhere"
    )
    name = models.CharField(max_length=80)
    emergency_number = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "crisis countries"

    def __str__(self) -> str:
        return self.name


class CrisisLine(models.Model):
    country = models.ForeignKey(CrisisCountry, on_delete=models.CASCADE, related_name="lines")
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    text = models.CharField(max_length=80, blank=True, help_text="e.g. 'Text SHOUT to 85258'")
    chat_url = models.URLField(blank=True)
    website = models.URLField(blank=True)
    hours = models.CharField(max_length=80, blank=True, default="24/7")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "name")
        indexes: ClassVar = [models.Index(fields=["country", "position"])]

    def __str__(self) -> str:
        return self.name

    @property
    def phone_uri(self) -> str:
        return "tel:" + "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")
