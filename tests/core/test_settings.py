"""Production configuration: refuses to start half-configured, passes Django's deploy check."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def _run(env_overrides, *args):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG", "SECRET_KEY"))
    }
    env.update({"DJANGO_SETTINGS_MODULE": "kindred.settings", **env_overrides})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production_env(tmp_path):
    return {
        "DEBUG": "false",
        "SECRET_KEY": "x" * 20 + Fernet.generate_key().decode(),
        "KINDRED_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "care.example.org",
        "KINDRED_VAR_DIR": str(tmp_path),
    }


def test_it_refuses_to_start_without_a_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    result = _run(env, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_refuses_to_start_without_encryption_keys(tmp_path):
    env = _production_env(tmp_path)
    del env["KINDRED_ENCRYPTION_KEYS"]
    result = _run(env, "check")
    assert result.returncode != 0
    assert "KINDRED_ENCRYPTION_KEYS must be set" in result.stderr


def test_a_typo_in_a_boolean_stops_start_up(tmp_path):
    env = {**_production_env(tmp_path), "DEBUG": "ture"}
    result = _run(env, "check")
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_a_minimum_age_below_13_stops_start_up(tmp_path):
    env = {**_production_env(tmp_path), "MINIMUM_AGE": "10"}
    result = _run(env, "check")
    assert result.returncode != 0
    assert "MINIMUM_AGE must be from 13 to 18" in result.stderr


def test_the_production_settings_pass_the_deploy_check(tmp_path):
    result = _run(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_bad_trusted_proxy_stops_start_up(tmp_path):
    env = {**_production_env(tmp_path), "TRUSTED_PROXIES": "10.0.0.0/8,load-balancer"}
    result = _run(env, "check")
    assert result.returncode != 0
    assert "TRUSTED_PROXIES must list IP addresses" in result.stderr


def test_a_typo_in_a_rate_limit_stops_start_up(tmp_path):
    env = {**_production_env(tmp_path), "KINDRED_RATE_LIMITS": "comunity.reply=5/m/user"}
    result = _run(env, "check")
    assert result.returncode != 0
    assert "KINDRED_RATE_LIMITS" in result.stderr and "community.reply" in result.stderr


def test_behind_a_local_proxy_the_loopback_is_trusted_by_default(tmp_path):
    code = "from django.conf import settings; print(settings.TRUSTED_PROXIES)"
    result = _run({**_production_env(tmp_path), "BEHIND_PROXY": "true"}, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['127.0.0.1', '::1']"
    result = _run(_production_env(tmp_path), "shell", "-c", code)
    assert result.stdout.strip().splitlines()[-1] == "[]"
