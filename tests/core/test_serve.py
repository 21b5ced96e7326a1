"""`kindred serve` hands uvicorn the same trusted proxies as the rate limits."""

import pytest
from django.core.management import call_command


@pytest.fixture
def uvicorn_run(monkeypatch):
    calls = []
    monkeypatch.setattr("uvicorn.run", lambda *args, **kwargs: calls.append(kwargs))
    return calls


def test_trusted_proxies_reach_uvicorn(settings, uvicorn_run):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "::1"]
    call_command("serve")
    (options,) = uvicorn_run
    assert options["proxy_headers"] is True
    assert options["forwarded_allow_ips"] == ["10.0.0.0/8", "::1"]


def test_with_no_trusted_proxy_uvicorn_ignores_forwarded_headers(settings, uvicorn_run):
    settings.TRUSTED_PROXIES = []
    call_command("serve")
    (options,) = uvicorn_run
    assert options["proxy_headers"] is False
