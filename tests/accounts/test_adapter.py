"""Login limits nobody can turn against someone else; allauth counts by the real client address."""

from __future__ import annotations

import pytest
from allauth.account.signals import password_reset
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.test import RequestFactory
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from kindred.accounts import adapter
from kindred.accounts.adapter import AccountAdapter, is_known_address
from kindred.accounts.models import User
from kindred.core import ratelimit
from tests.factories import TEST_PASSWORD

LOGIN = reverse("account_login")


def log_in(client, user, password, ip, **meta):
    client.logout()
    return client.post(LOGIN, {"login": user.email, "password": password}, REMOTE_ADDR=ip, **meta)


def signed_in(client, user):
    return client.session.get("_auth_user_id") == str(user.pk)


def test_failures_from_one_address_do_not_lock_the_account_elsewhere(client, member):
    for _ in range(5):
        log_in(client, member, "wrong", "203.0.113.66")
    assert log_in(client, member, TEST_PASSWORD, "203.0.113.66").status_code == 429
    assert not signed_in(client, member)
    # The owner, somewhere else, is not locked out by a stranger's failures.
    assert log_in(client, member, TEST_PASSWORD, "198.51.100.10").status_code == 302
    assert signed_in(client, member)


def test_failures_spread_over_many_addresses_are_stopped_but_not_at_a_known_one(
    client, member, rate_limits
):
    rate_limits({"login.unknown_address": "3/h/key"})
    log_in(client, member, TEST_PASSWORD, "198.51.100.10")  # The owner's home address.
    for n in range(3):
        assert log_in(client, member, "wrong", f"203.0.113.{n + 1}").status_code == 200
    refused = log_in(client, member, "wrong", "203.0.113.50")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) <= 3600
    assert "Too many failed login attempts" in refused.content.decode()
    # The trade-off: a right password from a new place waits too…
    assert log_in(client, member, TEST_PASSWORD, "203.0.113.51").status_code == 429
    # …but the owner at home gets in.
    assert log_in(client, member, TEST_PASSWORD, "198.51.100.10").status_code == 302
    assert signed_in(client, member)


def test_only_failures_count_against_the_account(client, member, rate_limits):
    rate_limits({"login.unknown_address": "1/h/key"})
    for n in range(3):
        assert log_in(client, member, TEST_PASSWORD, f"198.51.100.{n + 1}").status_code == 302
    assert log_in(client, member, "wrong", "203.0.113.1").status_code == 200
    assert log_in(client, member, "wrong", "203.0.113.2").status_code == 429


def test_behind_a_trusted_proxy_each_client_has_its_own_budget(client, member, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    for _ in range(5):
        log_in(client, member, "wrong", "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert (
        log_in(client, member, TEST_PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    ).status_code == 429
    ok = log_in(client, member, TEST_PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.10")
    assert ok.status_code == 302


def test_an_untrusted_forwarded_header_buys_no_new_budget(client, member, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    for n in range(5):
        log_in(client, member, "wrong", "203.0.113.66", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    response = log_in(
        client, member, TEST_PASSWORD, "203.0.113.66", HTTP_X_FORWARDED_FOR="192.0.2.99"
    )
    assert response.status_code == 429


def test_allauth_reads_the_same_client_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.9.9.9"
    )
    assert AccountAdapter(request).get_client_ip(request) == "203.0.113.7"


def test_a_password_reset_makes_the_address_known(member):
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.20")
    assert not is_known_address(member.email, request)
    password_reset.send(sender=User, request=request, user=member)
    assert is_known_address(member.email.upper(), request)


def test_logins_work_while_the_cache_is_down(client, member, monkeypatch):
    class DownCache:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise RedisConnectionError("Connection refused")

            return fail

    monkeypatch.setattr(ratelimit, "shared_cache", DownCache)
    monkeypatch.setattr(adapter, "shared_cache", DownCache)
    monkeypatch.setattr(allauth_ratelimit, "cache", DownCache())
    assert log_in(client, member, "wrong", "203.0.113.1").status_code == 200
    assert log_in(client, member, TEST_PASSWORD, "203.0.113.1").status_code == 302
    assert signed_in(client, member)


@pytest.mark.parametrize("count", [1, 12])
def test_it_remembers_the_last_ten_addresses(member, count):
    for n in range(count):
        adapter.remember_address(
            member.email, RequestFactory().get("/", REMOTE_ADDR=f"198.51.100.{n}")
        )
    latest = RequestFactory().get("/", REMOTE_ADDR=f"198.51.100.{count - 1}")
    first = RequestFactory().get("/", REMOTE_ADDR="198.51.100.0")
    assert is_known_address(member.email, latest)
    assert is_known_address(member.email, first) is (count <= adapter.KNOWN_ADDRESSES)


@pytest.mark.django_db
def test_allauths_own_limits_fail_open_when_the_cache_is_down(client, cache_down):
    # Sign-up and password reset count in allauth's limiter (kindred.core.failopen).
    response = client.post(reverse("account_reset_password"), {"email": "someone@example.org"})
    assert response.status_code == 302
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new.person@example.test",
            "handle": "gentle_fern",
            "password1": "a-long-and-unusual-pass",
            "password2": "a-long-and-unusual-pass",
            "date_of_birth": "1995-03-14",
            "accept_terms": "on",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(email="new.person@example.test").exists()
