"""Typed readers for environment variables that fail loudly on a bad value.

Every setting that can differ between installations is read here, so a typo in a
deployment (``DEBUG=ture``) stops the process at start-up instead of silently
falling back to a default.
"""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    """The variable's value, or the content of the file named by ``NAME_FILE``.

    ``*_FILE`` lets secrets come from mounted files (Docker/Kubernetes secrets)
    rather than the process environment.
    """
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false/1/0), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = env_str(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str, default: list[str] | None = None) -> list[str]:
    """Comma-separated IP addresses or CIDR networks, e.g. ``10.0.0.0/8,2001:db8::1``."""
    values = env_list(name, default)
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list IP addresses or networks (e.g. 10.0.0.5, 10.0.0.0/8), "
                f"not {value!r}"
            ) from None
    return values


# "amount/period/per": 20/10m/user, 60/m/ip, 5/5m/key (allauth's syntax, so both read alike).
RATE_PATTERN = re.compile(r"^\d+/\d*[smhd]/(user|ip|key)$")


def check_rates(name: str, rates: str) -> str:
    """``rates`` (comma-separated, empty = no limit) if each part is well formed."""
    for part in filter(None, (p.strip() for p in rates.split(","))):
        if not RATE_PATTERN.match(part):
            raise ImproperlyConfigured(
                f"{name}: {part!r} is not a rate like 20/10m/user, 60/m/ip or 5/5m/key"
            )
    return rates


def env_rate_limits(name: str, defaults: dict[str, str]) -> dict[str, str]:
    """``defaults`` with the overrides in ``action=rates;action=rates`` (``;`` between
    actions, as ``,`` separates the rates of one). Unknown actions fail loudly."""
    limits = dict(defaults)
    for item in filter(None, (i.strip() for i in (env_str(name) or "").split(";"))):
        action, sep, rates = (part.strip() for part in item.partition("="))
        if not sep or action not in defaults:
            known = ", ".join(sorted(defaults))
            raise ImproperlyConfigured(
                f"{name}: {item!r} must be action=rates with an action among: {known}"
            )
        limits[action] = check_rates(f"{name} ({action})", rates)
    for action, rates in defaults.items():
        check_rates(f"{name} default ({action})", rates)
    return limits
