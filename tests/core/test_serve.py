"""`kindred serve` hands uvicorn the same trusted proxies as the rate limits, and no access log."""

import os
import subprocess
import sys

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


def test_uvicorns_access_log_is_off(uvicorn_run):
    # It writes whole paths and query strings; kindred.core.requestlog writes redacted ones.
    call_command("serve")
    (options,) = uvicorn_run
    assert options["access_log"] is False


def test_the_in_process_task_runner_knows_every_apps_periodic_tasks(tmp_path):
    # A fresh interpreter: in this one, other tests have imported the tasks modules already.
    script = """
import django
django.setup()
from unittest import mock
from django.conf import settings
from django.core.management import call_command
from huey.contrib.djhuey import HUEY
settings.TASKS_INPROCESS = True
with mock.patch("uvicorn.run"), mock.patch.object(HUEY, "create_consumer"):
    call_command("serve")
print(sorted(t.name for t in HUEY._registry.periodic_tasks))
from django.apps import apps
from importlib import import_module
from importlib.util import find_spec
for app in apps.get_app_configs():
    if app.name.startswith("kindred.") and find_spec(app.name + ".tasks"):
        import_module(app.name + ".tasks")
print(sorted(t.name for t in HUEY._registry.periodic_tasks))
"""
    out = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kindred.test_settings"},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    at_start, every = out.strip().splitlines()[-2:]
    assert at_start == every
    assert len(eval(every)) >= 7, every  # noqa: S307 - our own subprocess's list
