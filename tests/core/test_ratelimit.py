"""Rate limits: counted per account, address or key in the shared cache; open when it fails."""

import logging
import math
import os
import time
from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory
from redis.exceptions import ConnectionError as RedisConnectionError

from kindred.core import ratelimit
from kindred.core.ratelimit import (
    Rate,
    RateLimited,
    describe_wait,
    limit,
    parse_rates,
    too_many_requests,
)
from kindred.core.sharedcache import shared_cache
from tests.factories import UserFactory

REDIS_URL = os.environ.get("KINDRED_TEST_REDIS_URL")


def request(ip="203.0.113.5", user=None, **meta):
    req = RequestFactory().post("/", REMOTE_ADDR=ip, **meta)
    req.user = user or SimpleNamespace(is_authenticated=False, pk=None)
    return req


@pytest.fixture
def clock(monkeypatch):
    """Seconds since the epoch, set by the test: ``clock[0] = …``."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(
        ratelimit, "time", SimpleNamespace(time=lambda: now[0], monotonic=time.monotonic)
    )
    return now


def test_rates_read_like_allauths():
    assert parse_rates("20/10m/user, 60/m/ip,5/5m/key") == (
        Rate(20, 600, "user"),
        Rate(60, 60, "ip"),
        Rate(5, 300, "key"),
    )
    assert parse_rates("") == ()


@pytest.mark.parametrize("bad", ["20/10x/user", "20/m/everyone", "twenty/m/ip", "20/m"])
def test_a_malformed_rate_fails_loudly(bad):
    with pytest.raises(ImproperlyConfigured):
        parse_rates(bad)


def test_an_unknown_action_fails_loudly(db):
    with pytest.raises(ImproperlyConfigured, match="no action 'nope'"):
        limit(request(), "nope")


def test_an_action_without_rates_is_unlimited(rate_limits):
    rate_limits({"test.action": ""})
    for _ in range(50):
        limit(request(), "test.action")


def test_it_refuses_the_attempt_past_the_limit_with_the_wait(db, rate_limits, clock):
    rate_limits({"test.action": "2/m/user"})
    clock[0] = 1_800_000_010.0  # 10 s into a minute window (1_800_000_000 is a multiple of 60).
    maya = UserFactory()
    limit(request(user=maya), "test.action")
    limit(request(user=maya), "test.action")
    with pytest.raises(RateLimited) as refused:
        limit(request(user=maya), "test.action")
    assert refused.value.retry_after == 50
    assert str(refused.value) == (
        "You are doing this too often. Please wait 50 seconds and try again."
    )
    clock[0] += 50  # The next window.
    limit(request(user=maya), "test.action")


def test_another_account_is_not_affected(db, rate_limits):
    rate_limits({"test.action": "1/m/user"})
    maya, sam = UserFactory(), UserFactory()
    limit(request(user=maya), "test.action")
    with pytest.raises(RateLimited):
        limit(request(user=maya), "test.action")
    limit(request(user=sam), "test.action")


def test_user_rates_do_not_apply_to_visitors(rate_limits):
    rate_limits({"test.action": "1/m/user"})
    for _ in range(3):
        limit(request(), "test.action")


def test_ip_rates_count_per_address_and_per_ipv6_64(rate_limits):
    rate_limits({"test.action": "1/m/ip"})
    limit(request("198.51.100.1"), "test.action")
    with pytest.raises(RateLimited):
        limit(request("198.51.100.1"), "test.action")
    limit(request("198.51.100.2"), "test.action")
    limit(request("2001:db8:1:2::1"), "test.action")
    with pytest.raises(RateLimited):
        # The same /64: one subscriber's block.
        limit(request("2001:db8:1:2::ffff"), "test.action")
    limit(request("2001:db8:1:3::1"), "test.action")


def test_key_rates_count_per_key_whatever_its_case(rate_limits):
    rate_limits({"test.action": "1/m/key"})
    limit(request(), "test.action", key="Maya@example.test")
    with pytest.raises(RateLimited):
        limit(request("198.51.100.9"), "test.action", key="maya@EXAMPLE.test")
    limit(request(), "test.action", key="sam@example.test")
    # No key given: the key rate does not apply.
    limit(request(), "test.action")


def test_keys_are_not_stored_in_clear(rate_limits, monkeypatch):
    rate_limits({"test.action": "1/m/key"})
    seen = []
    cache = shared_cache()
    real_add = cache.add
    monkeypatch.setattr(
        cache, "add", lambda key, *a, **k: seen.append(key) or real_add(key, *a, **k)
    )
    limit(request(), "test.action", key="maya@example.test")
    assert seen and not any("maya" in key for key in seen)


def test_a_refused_attempt_counts_against_nothing(db, rate_limits):
    rate_limits({"test.action": "2/m/user,1/m/ip"})
    maya = UserFactory()
    limit(request("198.51.100.1", maya), "test.action")
    with pytest.raises(RateLimited):
        limit(request("198.51.100.1", maya), "test.action")  # The address is spent.
    # The refused attempt did not use Maya's second one.
    limit(request("198.51.100.2", maya), "test.action")


def test_a_refunded_attempt_is_taken_back(rate_limits):
    rate_limits({"test.action": "1/m/ip"})
    limit(request(), "test.action").refund()
    limit(request(), "test.action")
    with pytest.raises(RateLimited):
        limit(request(), "test.action")


def test_a_cache_outage_lets_everyone_through_and_warns_once(rate_limits, monkeypatch, caplog):
    rate_limits({"test.action": "1/m/ip"})

    class DownCache:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise RedisConnectionError("Connection refused")

            return fail

    monkeypatch.setattr(ratelimit, "shared_cache", DownCache)
    monkeypatch.setattr(ratelimit, "_warned_at", [-math.inf])
    with caplog.at_level(logging.WARNING, logger="kindred.ratelimit"):
        for _ in range(5):
            limit(request(), "test.action").refund()
    warnings = [r for r in caplog.records if r.name == "kindred.ratelimit"]
    assert len(warnings) == 1
    assert "Rate limits are off" in warnings[0].getMessage()
    assert "ConnectionError" in warnings[0].getMessage()


def test_too_many_requests_sets_the_status_and_retry_after():
    response = too_many_requests(HttpResponse("form"), RateLimited("test.action", 12.2))
    assert response.status_code == 429
    assert response["Retry-After"] == "13"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(1, "1 second"), (59, "59 seconds"), (60, "1 minute"), (61, "2 minutes"), (3600, "1 hour")],
)
def test_waits_are_described_rounded_up(seconds, text):
    assert describe_wait(seconds) == text


@pytest.mark.redis
def test_it_counts_in_redis_across_clients(settings, rate_limits):
    if not REDIS_URL:
        pytest.skip("KINDRED_TEST_REDIS_URL is not set (make test sets it)")
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    shared_cache().clear()
    rate_limits({"test.action": "2/m/ip"})
    usages = [limit(request("192.0.2.77"), "test.action") for _ in range(2)]
    with pytest.raises(RateLimited):
        limit(request("192.0.2.77"), "test.action")
    (key,) = usages[0].keys
    # Each window's counter expires on its own shortly after the window.
    assert (
        0
        < shared_cache()._cache.get_client(key).ttl(shared_cache().make_and_validate_key(key))
        <= 61
    )
    shared_cache().clear()
